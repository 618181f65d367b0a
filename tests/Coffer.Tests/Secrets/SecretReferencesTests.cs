using System.Text.RegularExpressions;
using Coffer.Server.Features.Secrets;

namespace Coffer.Tests.Secrets;

/// <summary>The source-generated scan must find exactly what Infisical's pattern, run by the regex interpreter, finds.</summary>
public class SecretReferencesTests
{
    private static readonly Regex InfisicalPattern = new(@"\$\{([a-zA-Z0-9\-_.@]+)\}", RegexOptions.CultureInvariant);

    [Theory]
    [InlineData("plain", new string[0])]
    [InlineData("${A}", new[] { "${A}" })]
    [InlineData("x${A}y${dev.sub.B}z${A}", new[] { "${A}", "${dev.sub.B}" })]
    [InlineData("${}${ A}${A ${B}", new[] { "${B}" })]
    [InlineData("${dev.${dev.VENDOR}.KEY}", new[] { "${dev.VENDOR}" })]
    [InlineData("$${A}}", new[] { "${A}" })]
    [InlineData("${@proj.env.K-1_x}", new[] { "${@proj.env.K-1_x}" })]
    [InlineData("${é}${A", new string[0])]
    public void FindsInfisicalsReferences(string value, string[] expected)
    {
        Assert.Equal(expected, SecretReferences.Find(value));
        Assert.Equal(expected.Length > 0, SecretReferences.Contains(value));
    }

    [Fact]
    public void AgreesWithThePatternOnRandomText()
    {
        var random = new Random(20261128);
        const string alphabet = "${}aZ9.-_@ é/";
        for (var i = 0; i < 20_000; i++)
        {
            var value = new string([.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var expected = InfisicalPattern.Matches(value).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToArray();

            Assert.Equal(expected, SecretReferences.Find(value));
            Assert.Equal(expected.Length > 0, SecretReferences.Contains(value));
        }
    }
}
