namespace Coffer.Server.Http.Validation;

/// <summary>Infisical's slugSchema: lower-cased, trimmed, length-checked, and unchanged by slugify.</summary>
public static class Slug
{
    public static string? Read(Input body, string name, bool required = true, int min = 1, int max = 32, string field = "Slug")
    {
        if (!body.Has(name) && !required) return null;
        var raw = body.String(name, required: required);
        if (raw is null) return null;
        var value = raw.ToLowerInvariant().Trim();
        var path = body.PathOf(name);
        // zod runs every check and then the refinement, so one bad slug can carry several issues.
        if (value.Length < min)
            body.AddIssue(Input.SizeIssue(path, "too_small", "minimum", min, "string", $"{field} field must be at least {min} character{(min == 1 ? "" : "s")}"));
        if (value.Length > max)
            body.AddIssue(Input.SizeIssue(path, "too_big", "maximum", max, "string", $"{field} field must be at most {max} character{(max == 1 ? "" : "s")}"));
        if (Slugs.Slugify(value) != value)
            body.Fail($"{field} field can only contain letters, numbers, and hyphens", name);
        return value;
    }
}
