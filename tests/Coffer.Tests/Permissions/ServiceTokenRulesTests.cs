using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

public class ServiceTokenRulesTests
{
    private static readonly ServiceTokenScope[] Scopes = [new("dev", "/app/**"), new("prod", "/")];

    [Fact]
    public void ReadOnlyTokenReadsWithinItsScopesOnly()
    {
        var set = PermissionSet.FromRules(ServiceTokenRules.For(Scopes, ["read"]));
        Assert.True(set.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret("dev", "/app/api", "A")));
        Assert.True(set.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret("dev", "/app", "A")));
        Assert.True(set.CanAccessSecret(PermissionAction.DescribeSecret, SubjectFields.Secret("prod", "/", "A")));
        Assert.False(set.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret("prod", "/app", "A")));
        Assert.False(set.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret("staging", "/app", "A")));
        Assert.False(set.Can(PermissionAction.Edit, ProjectSubject.Secrets, SubjectFields.Secret("dev", "/app", "A")));
        Assert.True(set.Can(PermissionAction.Read, ProjectSubject.SecretFolders, SubjectFields.EnvironmentAndPath("dev", "/app/x")));
    }

    [Fact]
    public void WriteTokenEditsCreatesAndDeletesButDoesNotRead()
    {
        var set = PermissionSet.FromRules(ServiceTokenRules.For(Scopes, ["write"]));
        foreach (var action in new[] { PermissionAction.Edit, PermissionAction.Create, PermissionAction.Delete })
            Assert.True(set.Can(action, ProjectSubject.SecretImports, SubjectFields.EnvironmentAndPath("dev", "/app/x")));
        Assert.False(set.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret("dev", "/app", "A")));
    }

    [Fact]
    public void RulesHaveInfisicalsOrderAndShape()
    {
        var rules = ServiceTokenRules.For([new("dev", "/")], ["read", "write"]);
        Assert.Equal(12, rules.Count);
        Assert.Equal(
            """{"action":"edit","inverted":false,"subject":"secrets","conditions":{"secretPath":{"$glob":"/"},"environment":"dev"}}""",
            rules[0].ToDenialDetail().ToJsonString());
        Assert.Equal(["edit", "create", "delete", "read"], rules.Take(4).Select(r => r.Actions[0]));
    }
}
