using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

/// <summary>
/// Every expectation below is what picomatch 3 and 4 answer for <c>isMatch(input, glob, {strictSlashes: false})</c>,
/// the call Infisical's <c>$glob</c> operator makes; the table was produced by running picomatch itself.
/// </summary>
public class GlobPatternTests
{
    public static TheoryData<string, string, bool> PicomatchCases => new()
    {
        { "/app", "/app/**", true },
        { "/app/", "/app/**", true },
        { "/app/x", "/app/**", true },
        { "/app/x/y", "/app/**", true },
        { "/application", "/app/**", false },
        { "/ap", "/app/**", false },
        { "/app/.x", "/app/**", false },
        { "/app/a/.x/b", "/app/**", false },
        { "/app", "/app/*", false },
        { "/app/", "/app/*", false },
        { "/app/x", "/app/*", true },
        { "/app/x/", "/app/*", true },
        { "/app/x/y", "/app/*", false },
        { "/app/.x", "/app/*", false },
        { "/app//", "/app/*", true },
        { "/app", "/app", true },
        { "/app/", "/app", false },
        { "/app", "/app/", false },
        { "/AB", "/ab", false },
        { "/a/b", "**", true },
        { "/", "**", true },
        { "a", "**", true },
        { ".a", "**", false },
        { "", "**", false },
        { "x", "**/x", true },
        { "/x", "**/x", true },
        { "a/b/x", "**/x", true },
        { "a/bx", "**/x", false },
        { "/x/a", "/**/a", true },
        { "/a", "/**/a", false },
        { "//a", "/**/a", true },
        { "/a", "/**", true },
        { "/", "/**", true },
        { "a/b", "a/**/b", true },
        { "a/x/y/b", "a/**/b", true },
        { "a/xb", "a/**/b", false },
        { "/a/b", "/a/**/**/b", true },
        { "/a", "/a/**/**", true },
        { "/x/", "/x/**/", true },
        { "/x", "/x/**/", false },
        { "/x/y", "/x/**/", false },
        { "/a/b", "/a/b/**/*", false },
        { "/a/b/c", "/a/b/**/*", true },
        { "/a/b", "/a/*/**", false },
        { "/a/b/c", "/a/*/**", true },
        { "/a/b/", "/a/*/**", true },
        { "/a/b", "/a/b*/**", false },
        { "/a/bc/d", "/a/b*/**", true },
        { "/a/b", "/a/{b,c}/**", true },
        { "/a", "/a/{b,c}/**", false },
        { "/a/b", "**/b/**", true },
        { "/b", "**/b/**", true },
        { "/b", "/**/b/**", false },
        { "dev", "dev**", true },
        { "devx", "dev**", true },
        { "dev/x", "dev**", false },
        { "/abc", "/a*c", true },
        { "/a/b/c", "/a*c", false },
        { "/xa", "/*a*", true },
        { "/.a", "/*a*", false },
        { "b", "*b", true },
        { ".b", "*b", false },
        { "/a.txt", "/*.txt", true },
        { "/.txt", "/*.txt", false },
        { "", "*", false },
        { "/", "*", true },
        { "a", "*", true },
        { "a/", "*", true },
        { "/a", "*", false },
        { "/a/b/", "/a/b*", true },
        { "/a//b", "/a/*/b", true },
        { "/a", "/?", true },
        { "/.", "/?", false },
        { "/ab", "/?", false },
        { "/", "/?", false },
        { "/abc", "/a?c", true },
        { "/a/c", "/a?c", false },
        { "/a/b/", "/a/?", false },
        { "/a", "/{a,b}", true },
        { "/c", "/{a,b}", false },
        { "/a/x", "/{a,b}/*", true },
        { "/abd", "/a{b,c}d", true },
        { "/ab1", "/a{b{1,2},c}", true },
        { "/a/b", "/{a/b,c}", true },
        { "/c", "/{a/b,c}", true },
        { "/a", "/{,a}", true },
        { "/", "/{,a}", true },
        { "/a", "/{a}", false },
        { "/{a}", "/{a}", true },
        { "/a", "/{a,b", false },
        { "/b", "/{a..c}", true },
        { "/d", "/{a..c}", false },
        { "/2", "/{1..3}", true },
        { "/a", "/[abc]", true },
        { "/d", "/[abc]", false },
        { "/b", "/[a-c]", true },
        { "/d", "/[^abc]", true },
        { "/a", "/[^abc]", false },
        { "/d", "/[!abc]", false },
        { "/!", "/[!abc]", true },
        { "/a", "/[!abc]", true },
        { "/-", "/[a-]", true },
        { "/]", "/[]]", true },
        { "/a", "/[a", false },
        { "/[a", "/[a", true },
        { "/A", "/[[:upper:]]", true },
        { "/a", "/[[:upper:]]", false },
        { "/a/[x]/b", "/a/[x]/*", true },
        { "/a/x/b", "/a/[x]/*", true },
        { "/a/b/", "/a/[b]", true },
        { "/a", "/@(a|b)", true },
        { "/c", "/@(a|b)", false },
        { "/c", "/!(a|b)", true },
        { "/a", "/!(a|b)", false },
        { "/ab", "/!(a|b)", true },
        { "/ab", "/a+(b)", true },
        { "/abb", "/a+(b)", true },
        { "/a", "/a*(b)", true },
        { "/a", "/?(a)", true },
        { "/b", "/?(a)b", true },
        { "a", "(a|b)", true },
        { "a", "a|b", false },
        { "prod", "!dev", true },
        { "dev", "!dev", false },
        { "dev", "!!dev", true },
        { "!x", "!x", true },
        { "/a/b", "!/a/*", false },
        { "/a/b/c", "!/a/*", true },
        { "a*b", "a\\*b", true },
        { "axb", "a\\*b", false },
        { "/a.b", "/a.b", true },
        { "/axb", "/a.b", false },
        { "/a+", "/a+", true },
        { "/(a", "/(a", true },
        { "/a$", "/a$", true },
        { "/m", "/[z-a]", false },
        { "/[z-a]", "/[z-a]", true },
        // more than two free stars or a repeated extglob: these run on the linear-time engine
        { "xaybzc", "*a*b*c", true },
        { "abd", "*a*b*c", false },
        { "/a/b/c", "/*/*/*", true },
        { "/a/b", "/*/*/*", false },
        { "/a/.b/c", "/*/*/*", false },
        { "ab", "*(a|b)", true },
        { "abc", "*(a|b)", false },
        { "/x/aab", "/x/+(a)b", true },
        { "/x/b", "/x/+(a)b", false },
        { "/a/b/c/d", "/*/**/*/*", true },
    };

    [Theory]
    [MemberData(nameof(PicomatchCases))]
    public void MatchesLikePicomatch(string input, string glob, bool expected) =>
        Assert.Equal(expected, GlobPattern.Get(glob).IsMatch(input));

    [Fact]
    public void EscapedTextMatchesOnlyItself()
    {
        string[] texts = ["**", "*", "a*b", "?", "[abc]", "{a,b}", "{1..3}", "!(x)", "+(a)", "@(a)", "a|b", "\\", "team-a", "^x$", "R&D", "a,b"];
        foreach (var text in texts)
        {
            var literal = GlobPattern.Get("/" + GlobPattern.EscapeLiteral(text) + "/**");
            Assert.True(literal.IsMatch("/" + text + "/x"), text);
            foreach (var other in texts.Where(t => t != text).Concat(["a", "b", "abc", "x", "1"]))
                Assert.False(literal.IsMatch("/" + other + "/x"), $"{text} matched {other}");
        }
    }

    [Fact]
    public void CompiledPatternsAreCached() =>
        Assert.Same(GlobPattern.Get("/cache/**"), GlobPattern.Get("/cache/**"));

    [Fact]
    public void PathologicalPatternsStayFast()
    {
        var glob = GlobPattern.Get("/" + string.Concat(Enumerable.Repeat("*a", 30)) + "b");
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(glob.IsMatch("/" + new string('a', 5000)));
        Assert.True(started.ElapsedMilliseconds < 2000);
    }
}
