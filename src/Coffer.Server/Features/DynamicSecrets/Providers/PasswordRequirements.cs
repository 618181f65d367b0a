using System.Text.Json.Nodes;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.DynamicSecrets.Providers;

/// <summary>
/// Infisical's <c>passwordRequirements</c> input, checked. Beyond Infisical: at least one class must be required (its
/// generator fails on none), and symbols exclude quotes, <c>;</c>, <c>\</c>, braces and white space, because the
/// password is pasted into SQL statements that are split at <c>;</c>.
/// </summary>
public static class PasswordRequirements
{
    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create("'\";\\`{} \t\r\n");

    public static JsonObject? Read(Input input)
    {
        var o = input.Object("passwordRequirements");
        if (o is null) return null;
        var length = o.Integer("length", min: 1, max: 250, required: true);
        var required = o.Object("required", required: true);
        var counts = new JsonObject();
        long sum = 0;
        foreach (var name in new[] { "lowercase", "uppercase", "digits", "symbols" })
        {
            var n = required?.Integer(name, min: 0, required: true);
            counts[name] = (int)(n ?? 0);
            sum += n ?? 0;
        }
        var symbols = o.String("allowedSymbols", required: false);
        if (!o.IsValid) return null;
        if (sum > 250) required!.Fail("Sum of required characters cannot exceed 250");
        else if (sum > length) o.Fail("Sum of required characters cannot exceed the total length");
        else if (sum == 0) o.Fail("At least one character class must be required");
        if (symbols is not null && symbols.AsSpan().ContainsAny(Forbidden))
            o.Fail("Allowed symbols cannot include quotes, ';', '\\', '`', braces or white space", "allowedSymbols");
        var result = new JsonObject { ["length"] = (int?)length, ["required"] = counts };
        if (!string.IsNullOrEmpty(symbols)) result["allowedSymbols"] = symbols;
        return result;
    }
}
