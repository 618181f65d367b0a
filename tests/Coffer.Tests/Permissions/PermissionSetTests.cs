using System.Text.Json.Nodes;
using Coffer.Server.Errors;
using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

/// <summary>CASL's evaluation order and type-level semantics, each case checked against @casl/ability 6.</summary>
public class PermissionSetTests
{
    private static PermissionSet Set(string permissionsJson, ActorTemplateContext? actor = null) =>
        PermissionSet.Build([PermissionJson.ParseProject(JsonNode.Parse(permissionsJson))], actor);

    private static SubjectFields Env(string environment) => new(("environment", environment));

    [Fact]
    public void NoRulesMeansNo()
    {
        var set = PermissionSet.Build([]);
        Assert.False(set.Can("read", "secrets"));
        Assert.Empty(set.RulesFor("read", "secrets"));
    }

    [Fact]
    public void AnUnconditionalRuleGrantsOnlyItsActionsOnItsSubject()
    {
        var set = Set("""[{"subject":"secrets","action":["read","edit"]}]""");
        Assert.True(set.Can("read", "secrets"));
        Assert.True(set.Can("edit", "secrets", Env("prod")));
        Assert.False(set.Can("delete", "secrets"));
        Assert.False(set.Can("read", "secret-folders"));
    }

    [Fact]
    public void LaterRulesTakePrecedence()
    {
        var allowThenDeny = Set("""[{"subject":"secrets","action":"read"},{"subject":"secrets","action":"read","inverted":true}]""");
        Assert.False(allowThenDeny.Can("read", "secrets"));

        var denyThenAllow = Set("""[{"subject":"secrets","action":"read","inverted":true},{"subject":"secrets","action":"read"}]""");
        Assert.True(denyThenAllow.Can("read", "secrets"));
    }

    [Fact]
    public void AConditionalDenyCarvesOutOfAnEarlierGrant()
    {
        var set = Set("""
            [{"subject":"secrets","action":["read","edit"]},
             {"subject":"secrets","action":"read","inverted":true,"conditions":{"environment":"prod"}}]
            """);
        Assert.False(set.Can("read", "secrets", Env("prod")));
        Assert.True(set.Can("read", "secrets", Env("dev")));
        Assert.True(set.Can("edit", "secrets", Env("prod")));
        // Checking the type alone: the conditional deny might not apply, so CASL skips it.
        Assert.True(set.Can("read", "secrets"));
    }

    [Fact]
    public void AConditionalDenyBeforeAGrantIsOverriddenByIt()
    {
        var set = Set("""
            [{"subject":"secrets","action":"read","inverted":true,"conditions":{"environment":"prod"}},
             {"subject":"secrets","action":"read"}]
            """);
        Assert.True(set.Can("read", "secrets", Env("prod")));
    }

    [Fact]
    public void ConditionalGrantsCountForTheTypeButOnlyMatchingObjects()
    {
        var set = Set("""[{"subject":"secrets","action":"read","conditions":{"environment":"dev"}}]""");
        Assert.True(set.Can("read", "secrets"));
        Assert.True(set.Can("read", "secrets", Env("dev")));
        Assert.False(set.Can("read", "secrets", Env("prod")));
        Assert.False(set.Can("read", "secrets", new SubjectFields()));
    }

    [Fact]
    public void AConditionalDenyAloneGrantsNothing()
    {
        var set = Set("""[{"subject":"secrets","action":"read","inverted":true,"conditions":{"environment":"prod"}}]""");
        Assert.False(set.Can("read", "secrets"));
        Assert.False(set.Can("read", "secrets", Env("dev")));
    }

    [Fact]
    public void RulesFromAllListsCombineInOrder()
    {
        var role = PermissionJson.ParseProject(JsonNode.Parse("""[{"subject":"secrets","action":"read"}]"""));
        var privilege = PermissionJson.ParseProject(JsonNode.Parse("""[{"subject":"secrets","action":"read","inverted":true,"conditions":{"secretName":"DB_PASSWORD"}}]"""));
        var set = PermissionSet.Build([ProjectRoles.BuiltIn("viewer")!, role, privilege]);

        Assert.False(set.Can("read", "secrets", new SubjectFields(("secretName", "DB_PASSWORD"))));
        Assert.True(set.Can("read", "secrets", new SubjectFields(("secretName", "API_KEY"))));
        Assert.True(set.Can("readValue", "secrets", new SubjectFields(("secretName", "DB_PASSWORD"))));
        Assert.Equal(ProjectRoles.BuiltIn("viewer")!.Count + 2, set.Rules.Count);
    }

    [Fact]
    public void RulesForListsHighestPriorityFirstIncludingDeniesAndConditions()
    {
        var set = Set("""
            [{"subject":"secrets","action":["read","edit"]},
             {"subject":"secrets","action":"read","inverted":true,"conditions":{"environment":"prod"}},
             {"subject":"secrets","action":"edit"}]
            """);
        var rules = set.RulesFor("read", "secrets");
        Assert.Equal(2, rules.Count);
        Assert.True(rules[0].Inverted);
        Assert.False(rules[1].Inverted);
    }

    [Fact]
    public void DenialCarriesInfisicalsMessageAndTheRulesForThatActionAndSubject()
    {
        var set = Set("""
            [{"subject":"identity","action":["read","edit"]},
             {"subject":"identity","action":["edit"],"inverted":true,"conditions":{"identityId":{"$in":["id-1"]}}},
             {"subject":"secrets","action":"edit"}]
            """);

        var exception = Assert.Throws<PermissionDeniedException>(() => set.Require("edit", "identity", SubjectFields.Identity("id-1")));

        Assert.Equal(403, exception.StatusCode);
        Assert.Equal("PermissionDenied", exception.Error);
        Assert.Equal("You are not allowed to edit on identity", exception.Message);
        // Stored rules come back from CASL's unpackRules with list-valued action and subject, as Infisical prints them.
        Assert.Equal(
            """[{"action":["edit"],"inverted":true,"subject":["identity"],"conditions":{"identityId":{"$in":["id-1"]}}},""" +
            """{"action":["read","edit"],"inverted":false,"subject":["identity"]}]""",
            exception.Details!.ToJsonString());
    }

    [Fact]
    public void DenialDetailsForBuiltInRulesKeepTheirShape()
    {
        var set = PermissionSet.Build([ProjectRoles.BuiltIn("viewer")!, ProjectRoles.BuiltIn("member")!]);
        Assert.Equal(
            """[{"action":["read","edit","create","delete"],"inverted":false,"subject":"identity"},{"action":"read","inverted":false,"subject":"identity"}]""",
            set.DenialDetails("read", "identity").ToJsonString());

        var exception = Assert.Throws<PermissionDeniedException>(() => set.Require("grant-privileges", "identity"));
        Assert.Equal("You are not allowed to grant-privileges on identity", exception.Message);
        Assert.Equal("[]", exception.Details!.ToJsonString());
    }

    [Fact]
    public void ABuiltInRoleAloneIsIndexedOnce()
    {
        Assert.Same(PermissionSet.Build([ProjectRoles.BuiltIn("admin")!]), PermissionSet.Build([ProjectRoles.BuiltIn("admin")!], new ActorTemplateContext("a", "b")));
        Assert.NotSame(PermissionSet.Build([ProjectRoles.BuiltIn("admin")!]), PermissionSet.Build([ProjectRoles.BuiltIn("admin")!, []]));
    }

    [Fact]
    public void RequirePassesSilentlyWhenAllowed() =>
        PermissionSet.Build([ProjectRoles.BuiltIn("admin")!]).Require("delete", "identity", SubjectFields.Identity("x"));

    [Fact]
    public void SecretReadHelpersAcceptTheLegacyReadAction()
    {
        var legacy = Set("""[{"subject":"secrets","action":"read","conditions":{"environment":"dev"}}]""");
        Assert.True(legacy.CanAccessSecret("readValue", Env("dev")));
        Assert.False(legacy.CanAccessSecret("readValue", Env("prod")));
        legacy.RequireSecretAccess("describeSecret", Env("dev"));

        var describeOnly = Set("""[{"subject":"secrets","action":"describeSecret"}]""");
        Assert.True(describeOnly.CanAccessSecret("describeSecret"));
        var exception = Assert.Throws<PermissionDeniedException>(() => describeOnly.RequireSecretAccess("readValue", Env("dev")));
        Assert.Equal("You are not allowed to readValue on secrets", exception.Message);
    }

    [Fact]
    public void StoredRulesAndFreshlyParsedRulesEvaluateAlike()
    {
        var rules = PermissionJson.ParseProject(JsonNode.Parse("""
            [{"subject":"secrets","action":["readValue","describeSecret"],"conditions":{"secretPath":{"$glob":"/app/**"},"environment":{"$in":["dev","staging"]}}},
             {"subject":"secrets","action":"readValue","inverted":true,"conditions":{"secretName":{"$glob":"*_KEY"}}}]
            """));
        var restored = PermissionStorage.Unpack(PermissionStorage.Pack(rules));
        foreach (var set in new[] { PermissionSet.FromRules(rules), PermissionSet.FromRules(restored) })
        {
            Assert.True(set.Can("readValue", "secrets", SubjectFields.Secret("dev", "/app/db", "DB_URL")));
            Assert.False(set.Can("readValue", "secrets", SubjectFields.Secret("dev", "/app/db", "API_KEY")));
            Assert.True(set.Can("describeSecret", "secrets", SubjectFields.Secret("dev", "/app/db", "API_KEY")));
            Assert.False(set.Can("readValue", "secrets", SubjectFields.Secret("prod", "/app", "DB_URL")));
            Assert.False(set.Can("readValue", "secrets", SubjectFields.Secret("dev", "/application", "DB_URL")));
        }
    }
}
