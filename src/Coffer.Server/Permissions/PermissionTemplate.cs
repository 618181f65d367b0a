using System.Buffers;
using System.Text;

namespace Coffer.Server.Permissions;

/// <summary>
/// Renders the Handlebars placeholders Infisical allows in condition values, the way its permission service does:
/// <c>{{…}}</c> output is HTML-escaped (Handlebars' default, so a metadata value <c>R&amp;D</c> becomes <c>R&amp;amp;D</c>),
/// <c>{{{…}}}</c> is not; a missing metadata key (or top-level auth key) is left as the literal placeholder, so it
/// matches nothing by accident; any other unknown path renders empty. Expressions that are not plain paths
/// (helpers, blocks, comments) are left untouched.
/// </summary>
internal static class PermissionTemplate
{
    private static readonly SearchValues<char> HtmlSpecial = SearchValues.Create("&<>\"'`=");

    public static bool HasPlaceholder(string value) => value.Contains("{{", StringComparison.Ordinal);

    /// <param name="escape">Applied to each rendered value (not to the text around it), e.g. to keep it literal inside a glob.</param>
    public static string Render(string value, ActorTemplateContext actor, Func<string, string>? escape = null)
    {
        if (!HasPlaceholder(value))
            return value;

        var sb = new StringBuilder(value.Length + 32);
        var i = 0;
        while (i < value.Length)
        {
            var open = value.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
                break;
            var triple = open + 2 < value.Length && value[open + 2] == '{';
            var closeToken = triple ? "}}}" : "}}";
            var exprStart = open + (triple ? 3 : 2);
            var close = value.IndexOf(closeToken, exprStart, StringComparison.Ordinal);
            if (close < 0)
                break;

            sb.Append(value, i, open - i);
            var expression = value.AsSpan(exprStart, close - exprStart).Trim().Trim('~').Trim();
            if (TryParsePath(expression, out var segments))
            {
                var rendered = Resolve(segments, actor);
                rendered = triple ? rendered : HtmlEscape(rendered);
                sb.Append(escape is null ? rendered : escape(rendered));
            }
            else
            {
                sb.Append(value, open, close + closeToken.Length - open);
            }
            i = close + closeToken.Length;
        }
        sb.Append(value, i, value.Length - i);
        return sb.ToString();
    }

    private static string Resolve(List<string> path, ActorTemplateContext actor)
    {
        if (path.Count < 2 || path[0] != "identity")
            return "";
        switch (path[1])
        {
            case "id" when path.Count == 2:
                return actor.Id;
            case "username" when path.Count == 2:
                return actor.Username;
            case "metadata" when path.Count >= 3:
                if (actor.Metadata.TryGetValue(path[2], out var metadataValue))
                    return path.Count == 3 ? metadataValue : "";
                return path.Count == 3 ? "{{identity.metadata." + path[2] + "}}" : "";
            case "auth" when path.Count >= 3 && actor.AuthInfo is not null:
                if (actor.AuthInfo.TryGetValue(string.Join('.', path.Skip(2)), out var authValue))
                    return authValue;
                return path.Count == 3 ? "{{identity.auth." + path[2] + "}}" : "";
            default:
                return "";
        }
    }

    // Handlebars paths: segments separated by '.' or '/', a segment in [brackets] taken literally.
    private static bool TryParsePath(ReadOnlySpan<char> expression, out List<string> segments)
    {
        segments = [];
        if (expression.IsEmpty)
            return false;
        var current = new StringBuilder();
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (c == '[')
            {
                var end = expression[(i + 1)..].IndexOf(']');
                if (end < 0)
                    return false;
                current.Append(expression.Slice(i + 1, end));
                i += end + 1;
            }
            else if (c is '.' or '/')
            {
                if (current.Length == 0)
                    return false;
                segments.Add(current.ToString());
                current.Clear();
            }
            else if (char.IsWhiteSpace(c) || c is '#' or '!' or '>' or '^' or '(' or ')' or '=' or '"' or '\'' or '@' or '&')
            {
                return false;
            }
            else
            {
                current.Append(c);
            }
        }
        if (current.Length == 0)
            return false;
        segments.Add(current.ToString());
        return true;
    }

    private static string HtmlEscape(string value)
    {
        if (value.AsSpan().IndexOfAny(HtmlSpecial) < 0)
            return value;
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            var entity = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#x27;",
                '`' => "&#x60;",
                '=' => "&#x3D;",
                _ => null,
            };
            if (entity is null)
                sb.Append(c);
            else
                sb.Append(entity);
        }
        return sb.ToString();
    }
}
