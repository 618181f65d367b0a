using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>Infisical's TTL strings ("1h", "30m", read by <c>ms</c>): at least a minute, less than ten years.</summary>
public static class DynamicSecretTtl
{
    private const double Minute = 60_000;
    private static readonly double TenYears = Duration.ParseMilliseconds("10y")!.Value;

    /// <summary>Reads a TTL field, adding Infisical's issues for one out of range (and Coffer's for one that is no duration).</summary>
    public static string? Read(Input input, string name, bool required, bool nullable = false)
    {
        var text = input.String(name, required: required, nullable: nullable);
        if (string.IsNullOrEmpty(text)) return text;
        var ms = text.Length > 100 ? null : Duration.ParseMilliseconds(text);
        if (ms is null) input.Fail("TTL must be a duration such as 30m, 1h or 7d", name);
        else if (ms < Minute) input.Fail("TTL must be a greater than 1min", name);
        else if (ms > TenYears) input.Fail("TTL must be less than 10 years", name);
        return text;
    }

    public static long Milliseconds(string ttl) => (long)Duration.ParseMilliseconds(ttl)!.Value;

    /// <summary>A default TTL above the maximum would make every lease that takes the default fail.</summary>
    public static void RequireDefaultWithinMax(string defaultTtl, string? maxTtl)
    {
        if (maxTtl is not null && Milliseconds(defaultTtl) > Milliseconds(maxTtl))
            throw new BadRequestException("Default TTL cannot be larger than max TTL");
    }
}
