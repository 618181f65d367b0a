using System.Text.Json.Nodes;
using Coffer.Server.Errors;
using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

public class PrivilegeBoundaryTests
{
    private const string CreatePrefix = "Failed to create identity project membership";

    private static PermissionSet Role(string slug) => PermissionSet.Build([ProjectRoles.BuiltIn(slug)!]);

    private static PermissionSet Rules(string json) => PermissionSet.FromRules(PermissionJson.ParseProject(JsonNode.Parse(json)));

    [Fact]
    public void NewSystemLetsAnAdminGrantAnyRole() =>
        PrivilegeBoundary.Require(true, Role("admin"), ProjectSubject.Identity, Role("admin"), CreatePrefix);

    [Fact]
    public void NewSystemRefusesAMemberEvenForNoAccess()
    {
        var exception = Assert.Throws<PermissionBoundaryException>(() =>
            PrivilegeBoundary.Require(true, Role("member"), ProjectSubject.Identity, Role("no-access"), CreatePrefix));

        Assert.Equal(403, exception.StatusCode);
        Assert.Equal("PermissionBoundaryError", exception.Error);
        Assert.Equal("Failed to create identity project membership. Actor is missing permission grant-privileges on identity", exception.Message);
        Assert.Equal("""{"missingPermissions":[{"action":"grant-privileges","subject":"identity"}]}""", exception.Details!.ToJsonString());
    }

    [Fact]
    public void NewSystemNamesTheSubjectAndPrefixItIsGiven()
    {
        var exception = Assert.Throws<PermissionBoundaryException>(() =>
            PrivilegeBoundary.RequireCanGrant(Role("member"), ProjectSubject.Member, "Failed to update project membership"));
        Assert.Equal("Failed to update project membership. Actor is missing permission grant-privileges on member", exception.Message);
        Assert.Equal("""{"missingPermissions":[{"action":"grant-privileges","subject":"member"}]}""", exception.Details!.ToJsonString());
    }

    [Fact]
    public void NewSystemAcceptsAConditionalGrantAsCaslDoesForTheType()
    {
        var actor = Rules("""[{"subject":"identity","action":"grant-privileges","conditions":{"identityId":"x"}}]""");
        PrivilegeBoundary.RequireCanGrant(actor, ProjectSubject.Identity, CreatePrefix);
    }

    [Fact]
    public void LegacySystemAllowsAnEqualOrStrongerActor()
    {
        PrivilegeBoundary.Require(false, Role("admin"), ProjectSubject.Identity, Role("member"), CreatePrefix);
        PrivilegeBoundary.Require(false, Role("member"), ProjectSubject.Identity, Role("member"), CreatePrefix);
        PrivilegeBoundary.Require(false, Role("viewer"), ProjectSubject.Identity, Role("no-access"), CreatePrefix);
    }

    [Fact]
    public void LegacySystemRefusesAWeakerActorAndListsWhatIsMissing()
    {
        var exception = Assert.Throws<PermissionBoundaryException>(() =>
            PrivilegeBoundary.Require(false, Role("viewer"), ProjectSubject.Identity, Role("member"), "Failed to update identity project membership"));

        Assert.Equal("Failed to update identity project membership. Actor privilege level is not high enough to perform this action", exception.Message);
        var missing = exception.Details!["missingPermissions"]!.AsArray();
        // The member role's first rule is on secrets: read, create, edit, delete and the legacy read are beyond a viewer.
        Assert.Equal("""{"action":"read","subject":"secrets"}""", missing[0]!.ToJsonString());
        Assert.Contains(missing, m => m!.ToJsonString() == """{"action":"edit","subject":"identity"}""");
        Assert.DoesNotContain(missing, m => m!.ToJsonString() == """{"action":"readValue","subject":"secrets"}""");
        // Folder reads are ignored by Infisical's boundary, and the viewer can read folders anyway.
        Assert.DoesNotContain(missing, m => m!["subject"]!.GetValue<string>() == "secret-folders" && m["action"]!.GetValue<string>() == "read");
    }

    [Fact]
    public void LegacySystemComparesConditions()
    {
        var actor = Rules("""[{"subject":"secrets","action":"readValue","conditions":{"environment":{"$in":["dev","staging"]},"secretPath":{"$glob":"/app/**"}}}]""");

        var narrower = Rules("""[{"subject":"secrets","action":"readValue","conditions":{"environment":"dev","secretPath":{"$glob":"/app/api/**"}}}]""");
        Assert.Empty(PrivilegeBoundary.FindMissing(actor, narrower));

        var otherEnvironment = Rules("""[{"subject":"secrets","action":"readValue","conditions":{"environment":"prod","secretPath":"/app"}}]""");
        var missing = Assert.Single(PrivilegeBoundary.FindMissing(actor, otherEnvironment));
        Assert.Equal("""{"action":"readValue","subject":"secrets","conditions":{"environment":"prod","secretPath":"/app"}}""", missing.ToJson().ToJsonString());

        var unconstrainedPath = Rules("""[{"subject":"secrets","action":"readValue","conditions":{"environment":"dev"}}]""");
        Assert.Single(PrivilegeBoundary.FindMissing(actor, unconstrainedPath));

        var widerGlob = Rules("""[{"subject":"secrets","action":"readValue","conditions":{"environment":"dev","secretPath":{"$glob":"/**"}}}]""");
        Assert.Single(PrivilegeBoundary.FindMissing(actor, widerGlob));
    }

    [Fact]
    public void LegacySystemHonoursTheActorsDenies()
    {
        var actor = Rules("""
            [{"subject":"secrets","action":"readValue"},
             {"subject":"secrets","action":"readValue","inverted":true,"conditions":{"environment":"prod"}}]
            """);
        Assert.Empty(PrivilegeBoundary.FindMissing(actor, Rules("""[{"subject":"secrets","action":"readValue","conditions":{"environment":"dev"}}]""")));
        Assert.Single(PrivilegeBoundary.FindMissing(actor, Rules("""[{"subject":"secrets","action":"readValue","conditions":{"environment":"prod"}}]""")));
        Assert.Single(PrivilegeBoundary.FindMissing(actor, Rules("""[{"subject":"secrets","action":"readValue"}]""")));
    }

    [Fact]
    public void LegacySystemMissingOnlyDeniesCountsAsMissing()
    {
        var actor = Rules("""[{"subject":"secrets","action":"readValue","inverted":true}]""");
        var missing = Assert.Single(PrivilegeBoundary.FindMissing(actor, Rules("""[{"subject":"secrets","action":"readValue"}]""")));
        Assert.Equal("""{"action":"readValue","subject":"secrets"}""", missing.ToJson().ToJsonString());
    }

    [Theory]
    [InlineData("/app/**", "/app/api/**", true)]
    [InlineData("/app/**", "/app/*", true)]
    [InlineData("/app/*", "/app/**", false)]
    [InlineData("/app/*", "/app/x", true)]
    [InlineData("/app/x", "/app/*", false)]
    [InlineData("/**", "/anything/at/all", true)]
    [InlineData("/app/**", "/application", false)]
    [InlineData("/app/{a,b}", "/app/a", true)]
    public void GlobContainment(string parent, string subset, bool expected) =>
        Assert.Equal(expected, Coffer.Server.Permissions.GlobContainment.IsSubset(parent, subset));
}
