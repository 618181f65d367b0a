using Coffer.Server.Features.LdapAuth;

namespace Coffer.Tests.Auth;

/// <summary>RFC 4515 filters: what a configuration may save, and how a username goes into one.</summary>
public sealed class LdapFilterTests
{
    [Theory]
    [InlineData("(uid={{username}})")]
    [InlineData("uid={{username}}")]
    [InlineData("(&(objectClass=inetOrgPerson)(|(uid={{username}})(mail={{username}})))")]
    [InlineData("(!(nsAccountLock=TRUE))")]
    [InlineData("(cn=*smith*)")]
    [InlineData("(sAMAccountName={{username}})")]
    [InlineData("(memberOf:1.2.840.113556.1.4.1941:=cn=admins,dc=example,dc=com)")]
    [InlineData("(uidNumber>=1000)")]
    [InlineData("(cn=a\\2ab)")]
    public void Accepts_well_formed_filters(string filter) => Assert.True(LdapFilter.IsValid(filter), filter);

    [Theory]
    [InlineData("(uid={{username}}")]
    [InlineData("((uid={{username}}))")]
    [InlineData("(uid={{username}}))")]
    [InlineData("(&)")]
    [InlineData("(=x)")]
    [InlineData("(uid>=a*)")]
    [InlineData("(cn=a\\zz)")]
    [InlineData("(uid={{username}})(cn=x)")]
    [InlineData("")]
    public void Refuses_malformed_filters(string filter) => Assert.False(LdapFilter.IsValid(filter), filter);

    [Theory]
    [InlineData("alice", "(uid=alice)")]
    [InlineData("*", "(uid=\\2a)")]
    [InlineData("a)(uid=*", "(uid=a\\29\\28uid=\\2a)")]
    [InlineData("back\\slash", "(uid=back\\5cslash)")]
    [InlineData("nul\0", "(uid=nul\\00)")]
    [InlineData("Zoë", "(uid=Zoë)")]
    public void Escapes_the_username_into_the_placeholder(string username, string expected) =>
        Assert.Equal(expected, LdapFilter.ForUser("uid={{username}}", username));

    [Fact]
    public void Every_escaped_username_leaves_the_filter_well_formed()
    {
        var random = new Random(4515);
        const string Alphabet = "ab*()\\\0=&|!~<>:,";
        for (var i = 0; i < 2000; i++)
        {
            var username = new string([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            var filter = LdapFilter.ForUser("(&(objectClass=person)(uid={{username}}))", username);
            Assert.True(LdapFilter.IsValid(filter), filter);
            Assert.DoesNotContain("*", filter, StringComparison.Ordinal);
            Assert.Equal(6, filter.Count(c => c is '(' or ')'));
        }
    }
}
