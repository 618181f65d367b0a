using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Coffer.Server.Permissions;

/// <summary>
/// A <c>$glob</c> condition value compiled once, matching as Infisical's <c>picomatch.isMatch(value, glob, {strictSlashes: false})</c> does:
/// <c>*</c> and <c>?</c> stay inside a segment, a whole-segment <c>**</c> spans segments (so <c>/app/**</c> also matches <c>/app</c>),
/// wildcards never match a segment that starts with a dot, <c>{a,b}</c>, <c>{a..c}</c>, <c>[abc]</c>, <c>[^abc]</c>, POSIX classes,
/// extglobs and a leading <c>!</c> negation work, and a pattern ending in a wildcard tolerates one trailing slash.
/// The quirks reproduced here (for example <c>[!abc]</c> not being a negation) were checked against picomatch 3 and 4.
/// </summary>
internal sealed class GlobPattern
{
    private const int CacheLimit = 4096;
    private static readonly ConcurrentDictionary<string, GlobPattern> Cache = new(StringComparer.Ordinal);

    // Zero or more path segments, none starting with '.': what a globstar may consume.
    private const string AnySegments = "(?:[^/.][^/]*)?(?:/(?:[^/.][^/]*)?)*";

    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create("\\*?[]{}()!+@|^$,");

    /// <summary>Text that, inside a pattern, matches only itself: every character with a meaning gets a backslash.</summary>
    public static string EscapeLiteral(string text)
    {
        if (text.AsSpan().IndexOfAny(Special) < 0) return text;
        var sb = new StringBuilder(text.Length * 2);
        foreach (var c in text)
        {
            if (Special.Contains(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    private readonly bool _negated;
    private readonly Regex? _regex;

    private GlobPattern(string pattern)
    {
        Pattern = pattern;
        var start = 0;
        while (start < pattern.Length && pattern[start] == '!' && (start + 1 >= pattern.Length || pattern[start + 1] != '('))
        {
            _negated = !_negated;
            start++;
        }

        var compiler = new Compiler(pattern);
        var tokens = compiler.Parse(start, pattern.Length);
        var body = compiler.Emit(tokens, segmentStart: true, patternLevel: true);
        // The compiled backtracking engine is several times faster on these short inputs, and with at most two free stars
        // a mismatch costs at most quadratic time in the input, so it needs no timeout (whose checks triple the cost).
        // Anything wilder runs on the linear-time engine, except a negative extglob, which needs a lookahead and gets a timeout.
        var anchored = "^(?:" + body + ")$";
        try
        {
            if (compiler.NeedsLookahead)
                _regex = new Regex(anchored, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(100));
            else if (compiler.FreeStars <= 2 && !compiler.HasRepeatedGroup)
                _regex = new Regex(anchored, RegexOptions.CultureInvariant | RegexOptions.Compiled);
            else
                _regex = new Regex(anchored, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (ArgumentException)
        {
            // picomatch turns a pattern its regex engine rejects (such as the reversed range [z-a]) into one that matches nothing.
            _regex = null;
        }
    }

    public string Pattern { get; }

    public static GlobPattern Get(string pattern)
    {
        if (Cache.TryGetValue(pattern, out var cached))
            return cached;
        var compiled = new GlobPattern(pattern);
        // Patterns come from role definitions, so the set is small; the bound only guards against unbounded growth.
        if (Cache.Count >= CacheLimit)
            Cache.Clear();
        return Cache.GetOrAdd(pattern, compiled);
    }

    public bool IsMatch(string input)
    {
        // picomatch answers false for an empty input before it looks at negation, and true when the input is the pattern itself.
        if (input.Length == 0)
            return false;
        if (string.Equals(input, Pattern, StringComparison.Ordinal))
            return true;
        return _regex is not null && _regex.IsMatch(input) != _negated;
    }

    private enum Kind { Slash, Globstar, Star, Qmark, Text, Class, Group }

    private sealed record Token(Kind Kind, string Text = "", char GroupKind = '\0', List<List<Token>>? Alternatives = null);

    private sealed class Compiler(string p)
    {
        public bool NeedsLookahead { get; private set; }

        /// <summary>Stars other than whole-segment globstars, whose runs a backtracking engine may try to split many ways.</summary>
        public int FreeStars { get; private set; }

        /// <summary>A <c>*( )</c> or <c>+( )</c> extglob, which nests a quantifier.</summary>
        public bool HasRepeatedGroup { get; private set; }

        public List<Token> Parse(int start, int end)
        {
            var tokens = new List<Token>();
            var i = start;
            while (i < end)
            {
                var c = p[i];
                switch (c)
                {
                    case '\\':
                        tokens.Add(new Token(Kind.Text, Regex.Escape(i + 1 < end ? p[i + 1].ToString() : "\\")));
                        i += 2;
                        break;
                    case '/':
                        tokens.Add(new Token(Kind.Slash));
                        i++;
                        break;
                    case '*':
                        i = ParseStar(tokens, i, start, end);
                        break;
                    case '?' or '+' or '@' or '!' when i + 1 < end && p[i + 1] == '(' && TryParseGroup(tokens, i + 1, end, c, out var afterExt):
                        i = afterExt;
                        break;
                    case '?':
                        tokens.Add(new Token(Kind.Qmark));
                        i++;
                        break;
                    case '(' when TryParseGroup(tokens, i, end, '@', out var afterGroup):
                        i = afterGroup;
                        break;
                    case '[' when TryParseClass(tokens, i, end, out var afterClass):
                        i = afterClass;
                        break;
                    case '{' when TryParseBrace(tokens, i, end, out var afterBrace):
                        i = afterBrace;
                        break;
                    default:
                        tokens.Add(new Token(Kind.Text, Regex.Escape(c.ToString())));
                        i++;
                        break;
                }
            }
            return tokens;
        }

        private int ParseStar(List<Token> tokens, int i, int start, int end)
        {
            var j = i;
            while (j < end && p[j] == '*')
                j++;
            if (j - i == 1 && j < end && p[j] == '(' && TryParseGroup(tokens, j, end, '*', out var afterExt))
                return afterExt;

            var wholeSegment = j - i >= 2 && (i == start || p[i - 1] == '/') && (j == end || p[j] == '/');
            if (!wholeSegment)
            {
                FreeStars++;
                tokens.Add(new Token(Kind.Star));
                return j;
            }
            // "/**/**" spans exactly what one globstar spans.
            while (j + 3 <= end && string.CompareOrdinal(p, j, "/**", 0, 3) == 0 && (j + 3 == end || p[j + 3] == '/'))
                j += 3;
            tokens.Add(new Token(Kind.Globstar));
            return j;
        }

        private bool TryParseGroup(List<Token> tokens, int open, int end, char kind, out int after)
        {
            after = open;
            var close = FindClose(open, end, '(', ')');
            if (close < 0)
                return false;
            tokens.Add(new Token(Kind.Group, GroupKind: kind, Alternatives: Split(open + 1, close, '|')));
            if (kind == '!')
                NeedsLookahead = true;
            if (kind is '*' or '+')
                HasRepeatedGroup = true;
            after = close + 1;
            return true;
        }

        private bool TryParseBrace(List<Token> tokens, int open, int end, out int after)
        {
            after = open;
            var close = FindClose(open, end, '{', '}');
            if (close < 0)
                return false;
            var alternatives = Split(open + 1, close, ',');
            if (alternatives.Count > 1)
            {
                tokens.Add(new Token(Kind.Group, GroupKind: '{', Alternatives: alternatives));
            }
            else
            {
                // Without a comma only a single-character range means something ({a..c} becomes [a-c]); anything else is literal.
                var inner = p.AsSpan(open + 1, close - open - 1);
                var literal = Regex.Escape(p.Substring(open, close - open + 1));
                tokens.Add(inner.Length == 4 && inner[1] == '.' && inner[2] == '.' && inner[0] <= inner[3]
                    ? new Token(Kind.Text, "[" + EscapeClassChar(inner[0]) + "-" + EscapeClassChar(inner[3]) + "]")
                    : new Token(Kind.Text, literal));
            }
            after = close + 1;
            return true;
        }

        private bool TryParseClass(List<Token> tokens, int open, int end, out int after)
        {
            after = open;
            var i = open + 1;
            var negated = i < end && p[i] == '^';
            if (negated)
                i++;
            var content = new StringBuilder();
            var first = true;
            for (; i < end; i++)
            {
                var c = p[i];
                if (c == ']' && !first)
                    break;
                first = false;
                if (c == '\\' && i + 1 < end)
                {
                    var next = p[++i];
                    content.Append(char.IsAsciiLetterOrDigit(next) ? "\\" + next : EscapeClassChar(next));
                }
                else if (c == '[' && i + 1 < end && p[i + 1] == ':' && TryPosixClass(i, end, out var posix, out var posixEnd))
                {
                    content.Append(posix);
                    i = posixEnd;
                }
                else if (c == '-' && content.Length > 0 && i + 1 < end && p[i + 1] != ']')
                {
                    content.Append('-');
                }
                else
                {
                    content.Append(EscapeClassChar(c));
                }
            }
            if (i >= end)
                return false;

            // picomatch keeps '/' out of a negated class and lets a plain class also match its own bracketed text.
            var text = negated
                ? "[^" + content + "/]"
                : "(?:" + Regex.Escape(p.Substring(open, i - open + 1)).Replace("]", "\\]", StringComparison.Ordinal) + "|[" + content + "])";
            tokens.Add(new Token(Kind.Class, text));
            after = i + 1;
            return true;
        }

        private bool TryPosixClass(int open, int end, out string posix, out int closeBracket)
        {
            posix = "";
            closeBracket = p.IndexOf(":]", open + 2, end - open - 2, StringComparison.Ordinal);
            if (closeBracket < 0)
                return false;
            posix = p.AsSpan(open + 2, closeBracket - open - 2) switch
            {
                "alnum" => "a-zA-Z0-9",
                "alpha" => "a-zA-Z",
                "ascii" => "\\x00-\\x7F",
                "blank" => " \\t",
                "cntrl" => "\\x00-\\x1F\\x7F",
                "digit" => "0-9",
                "graph" => "\\x21-\\x7E",
                "lower" => "a-z",
                "print" => "\\x20-\\x7E",
                "punct" => "\\-!\"#$%&'()\\*+,./:;<=>?@\\[\\\\\\]\\^_`{|}~",
                "space" => " \\t\\r\\n\\v\\f",
                "upper" => "A-Z",
                "word" => "A-Za-z0-9_",
                "xdigit" => "A-Fa-f0-9",
                _ => "",
            };
            closeBracket++;
            return posix.Length > 0;
        }

        private static string EscapeClassChar(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();

        private int FindClose(int open, int end, char openChar, char closeChar)
        {
            var depth = 0;
            for (var i = open; i < end; i++)
            {
                var c = p[i];
                if (c == '\\')
                {
                    i++;
                }
                else if (c == openChar)
                {
                    depth++;
                }
                else if (c == closeChar && --depth == 0)
                {
                    return i;
                }
            }
            return -1;
        }

        private List<List<Token>> Split(int start, int end, char separator)
        {
            var alternatives = new List<List<Token>>();
            var depth = 0;
            var from = start;
            for (var i = start; i < end; i++)
            {
                var c = p[i];
                if (c == '\\')
                    i++;
                else if (c is '{' or '(' or '[')
                    depth++;
                else if (c is '}' or ')' or ']')
                    depth--;
                else if (c == separator && depth == 0)
                {
                    alternatives.Add(Parse(from, i));
                    from = i + 1;
                }
            }
            alternatives.Add(Parse(from, end));
            return alternatives;
        }

        public string Emit(List<Token> tokens, bool segmentStart, bool patternLevel)
        {
            var sb = new StringBuilder();
            var atSegmentStart = segmentStart;
            for (var idx = 0; idx < tokens.Count; idx++)
            {
                var token = tokens[idx];
                switch (token.Kind)
                {
                    case Kind.Slash when idx + 1 < tokens.Count && tokens[idx + 1].Kind == Kind.Globstar:
                        {
                            // picomatch only lets "/**" collapse to nothing after a non-empty, non-wildcard prefix.
                            var atPatternStart = patternLevel && idx == 0;
                            var afterStar = idx > 0 && tokens[idx - 1].Kind == Kind.Star;
                            if (idx + 2 < tokens.Count)
                            {
                                sb.Append(atPatternStart ? "/" + AnySegments + "/" : "/(?:" + AnySegments + "/)?");
                                idx += 2;
                                atSegmentStart = true;
                            }
                            else
                            {
                                sb.Append(atPatternStart || afterStar ? "/" + AnySegments : "(?:/" + AnySegments + ")?");
                                idx += 1;
                            }
                            continue;
                        }
                    case Kind.Slash:
                        sb.Append('/');
                        atSegmentStart = true;
                        continue;
                    case Kind.Globstar when idx + 1 < tokens.Count:
                        sb.Append("(?:" + AnySegments + "/)?");
                        idx++;
                        atSegmentStart = true;
                        continue;
                    case Kind.Globstar:
                        sb.Append(AnySegments);
                        break;
                    case Kind.Star when !atSegmentStart:
                        sb.Append("[^/]*");
                        break;
                    case Kind.Star when patternLevel && idx == tokens.Count - 1:
                        // A trailing star must cover something: a non-dot segment, or nothing before the tolerated slash.
                        sb.Append("(?:[^/.][^/]*/?|/)");
                        return sb.ToString();
                    case Kind.Star when idx + 1 < tokens.Count && tokens[idx + 1].Text.StartsWith("\\.", StringComparison.Ordinal):
                        // The segment may not start with a dot, so a star before a literal dot has to cover something.
                        sb.Append("[^/.][^/]*");
                        break;
                    case Kind.Star:
                        sb.Append("(?:[^/.][^/]*)?");
                        break;
                    case Kind.Qmark:
                        sb.Append(atSegmentStart ? "[^/.]" : "[^/]");
                        break;
                    case Kind.Group:
                        sb.Append(EmitGroup(token, atSegmentStart));
                        break;
                    default:
                        sb.Append(token.Text);
                        break;
                }
                atSegmentStart = false;
            }
            if (patternLevel && tokens.Count > 0 && tokens[^1].Kind is Kind.Star or Kind.Class)
                sb.Append("/?");
            return sb.ToString();
        }

        private string EmitGroup(Token group, bool atSegmentStart)
        {
            var alternatives = new StringBuilder();
            for (var i = 0; i < group.Alternatives!.Count; i++)
            {
                if (i > 0)
                    alternatives.Append('|');
                alternatives.Append(Emit(group.Alternatives[i], atSegmentStart && group.GroupKind == '{', patternLevel: false));
            }
            return group.GroupKind switch
            {
                '?' => "(?:" + alternatives + ")?",
                '+' => "(?:" + alternatives + ")+",
                '*' => "(?:" + alternatives + ")*",
                '!' => "(?:(?!(?:" + alternatives + ")(?:/|$))[^/]*)",
                _ => "(?:" + alternatives + ")",
            };
        }
    }
}
