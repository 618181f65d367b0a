using System.Text;

namespace Coffer.Server.Features.LdapAuth;

/// <summary>
/// LDAP search filters (RFC 4515): the configured filter is checked when it is saved, and the login's username goes
/// into its <c>{{username}}</c> placeholder escaped, so a username can only ever be a value — never <c>*</c>, never
/// a closing parenthesis that starts a filter of its own.
/// </summary>
public static class LdapFilter
{
    public const string Placeholder = "{{username}}";
    public const string Default = "(uid={{username}})";

    /// <summary>The filter with the escaped username in place of every placeholder, in parentheses as the protocol wants.</summary>
    public static string ForUser(string template, string username)
    {
        var filter = template.Replace(Placeholder, Escape(username), StringComparison.Ordinal);
        return filter.StartsWith('(') ? filter : "(" + filter + ")";
    }

    /// <summary>RFC 4515 section 3: the five characters with a meaning in a filter value become <c>\XX</c>.</summary>
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '*' => builder.Append("\\2a"),
                '(' => builder.Append("\\28"),
                ')' => builder.Append("\\29"),
                '\\' => builder.Append("\\5c"),
                '\0' => builder.Append("\\00"),
                _ => builder.Append(c),
            };
        }
        return builder.ToString();
    }

    /// <summary>Whether the template, with a username in its placeholders, is one well-formed filter (outer parentheses optional).</summary>
    public static bool IsValid(string template)
    {
        var filter = ForUser(template, "user");
        var position = 0;
        return Filter(filter, ref position, depth: 0) && position == filter.Length;
    }

    // filter = "(" filtercomp ")"; filtercomp = and / or / not / item
    private static bool Filter(string s, ref int i, int depth)
    {
        if (depth > 32 || i >= s.Length || s[i] != '(') return false;
        i++;
        if (i >= s.Length) return false;
        bool ok;
        switch (s[i])
        {
            case '&' or '|':
                i++;
                ok = FilterList(s, ref i, depth);
                break;
            case '!':
                i++;
                ok = Filter(s, ref i, depth + 1);
                break;
            default:
                ok = Item(s, ref i);
                break;
        }
        if (!ok || i >= s.Length || s[i] != ')') return false;
        i++;
        return true;
    }

    private static bool FilterList(string s, ref int i, int depth)
    {
        var count = 0;
        while (i < s.Length && s[i] == '(')
        {
            if (!Filter(s, ref i, depth + 1)) return false;
            count++;
        }
        return count > 0;
    }

    // item = simple / present / substring / extensible: an attribute description (or ":dn" / ":rule" for extensible),
    // an operator, and a value in which "*" is the only unescaped special character.
    private static bool Item(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '-' or '.' or ';')) i++;
        var attribute = s[start..i];
        var extensible = false;
        while (i < s.Length && s[i] == ':' && !(i + 1 < s.Length && s[i + 1] == '='))
        {
            extensible = true;
            i++;
            var ruleStart = i;
            while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '-' or '.')) i++;
            if (i == ruleStart) return false;
        }
        if (attribute.Length == 0 && !extensible) return false;
        if (attribute.Length > 0 && !char.IsAsciiLetterOrDigit(attribute[0])) return false;
        if (i >= s.Length) return false;
        if (s[i] == ':' || extensible)
        {
            if (!(i + 1 < s.Length && s[i] == ':' && s[i + 1] == '=')) return false;
            i += 2;
            return Value(s, ref i, allowStar: false);
        }
        if (s[i] is '~' or '>' or '<')
        {
            if (i + 1 >= s.Length || s[i + 1] != '=') return false;
            i += 2;
            return Value(s, ref i, allowStar: false);
        }
        if (s[i] != '=') return false;
        i++;
        return Value(s, ref i, allowStar: true);
    }

    private static bool Value(string s, ref int i, bool allowStar)
    {
        while (i < s.Length && s[i] != ')')
        {
            switch (s[i])
            {
                case '(' or '\0':
                    return false;
                case '*' when !allowStar:
                    return false;
                case '\\':
                    if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2])) return false;
                    i += 3;
                    continue;
            }
            i++;
        }
        return true;
    }
}
