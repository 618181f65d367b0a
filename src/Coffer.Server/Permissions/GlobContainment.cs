using System.Buffers;

namespace Coffer.Server.Permissions;

/// <summary>
/// Set relations between two globs for the legacy privilege boundary (Infisical's lib/casl/glob-subset.ts).
/// Globs made of literal, <c>*</c> and <c>**</c> segments are compared segment by segment; anything fancier falls back
/// to matching the narrower glob's text against the wider one, as Infisical does.
/// </summary>
internal static class GlobContainment
{
    private static readonly SearchValues<char> Metacharacters = SearchValues.Create("*?[]{}!()");
    private static readonly SearchValues<char> PrefixEnd = SearchValues.Create("*?[{");

    private enum SegmentKind { Literal, Star, Globstar }

    private readonly record struct Segment(SegmentKind Kind, string Text);

    /// <summary>Whether every string <paramref name="subset"/> matches is also matched by <paramref name="parent"/>.</summary>
    public static bool IsSubset(string parent, string subset)
    {
        if (parent == subset)
            return true;
        var parentSegments = Segments(parent);
        var subsetSegments = Segments(subset);
        if (parentSegments is not null && subsetSegments is not null)
            return Covers(parentSegments, subsetSegments, 0, 0);
        return GlobPattern.Get(parent).IsMatch(subset);
    }

    /// <summary>True when neither glob's fixed prefix starts the other's, so no string can match both.</summary>
    public static bool HaveDisjointLiteralPrefixes(string a, string b)
    {
        var prefixA = LiteralPrefix(a);
        var prefixB = LiteralPrefix(b);
        return !prefixA.StartsWith(prefixB, StringComparison.Ordinal) && !prefixB.StartsWith(prefixA, StringComparison.Ordinal);
    }

    private static string LiteralPrefix(string glob)
    {
        var end = glob.AsSpan().IndexOfAny(PrefixEnd);
        return end < 0 ? glob : glob[..end];
    }

    private static Segment[]? Segments(string glob)
    {
        var parts = glob.Split('/');
        var segments = new Segment[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part == "*")
                segments[i] = new Segment(SegmentKind.Star, part);
            else if (part == "**")
                segments[i] = new Segment(SegmentKind.Globstar, part);
            else if (part.AsSpan().IndexOfAny(Metacharacters) >= 0)
                return null;
            else
                segments[i] = new Segment(SegmentKind.Literal, part);
        }
        return segments;
    }

    private static bool Covers(Segment[] parent, Segment[] subset, int p, int s)
    {
        if (p >= parent.Length && s >= subset.Length)
            return true;
        if (p < parent.Length && parent[p].Kind == SegmentKind.Globstar)
            return Covers(parent, subset, p + 1, s) || (s < subset.Length && Covers(parent, subset, p, s + 1));
        if (p >= parent.Length)
            return false;
        if (s >= subset.Length)
        {
            for (var i = p; i < parent.Length; i++)
            {
                if (parent[i].Kind != SegmentKind.Globstar)
                    return false;
            }
            return true;
        }
        return parent[p].Kind switch
        {
            // '*' spans one segment, so it contains a literal or '*' but not '**'.
            SegmentKind.Star => subset[s].Kind != SegmentKind.Globstar && Covers(parent, subset, p + 1, s + 1),
            _ => subset[s].Kind == SegmentKind.Literal && subset[s].Text == parent[p].Text && Covers(parent, subset, p + 1, s + 1),
        };
    }
}
