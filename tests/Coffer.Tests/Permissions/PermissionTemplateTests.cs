using System.Text.Json.Nodes;
using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

/// <summary>Placeholder rendering as Infisical's permission service does it with Handlebars 4 (outputs checked with it).</summary>
public class PermissionTemplateTests
{
    private static readonly ActorTemplateContext Actor = new("ID1", "bob")
    {
        Metadata = new Dictionary<string, string> { ["team"] = "R&D <x>", ["env"] = "dev", ["k.dot"] = "dotted" },
        AuthInfo = new Dictionary<string, string> { ["authMethod"] = "universal-auth", ["kubernetes.namespace"] = "ns1" },
    };

    [Theory]
    [InlineData("{{identity.id}}", "ID1")]
    [InlineData("{{ identity.id }}", "ID1")]
    [InlineData("{{identity/id}}", "ID1")]
    [InlineData("{{[identity].id}}", "ID1")]
    [InlineData("x-{{identity.username}}-y", "x-bob-y")]
    [InlineData("{{identity.metadata.env}}", "dev")]
    [InlineData("{{identity.metadata.[k.dot]}}", "dotted")]
    [InlineData("{{identity.metadata.team}}", "R&amp;D &lt;x&gt;")]
    [InlineData("{{{identity.metadata.team}}}", "R&D <x>")]
    [InlineData("{{identity.metadata.missing}}", "{{identity.metadata.missing}}")]
    [InlineData("{{identity.metadata.missing.x}}", "")]
    [InlineData("{{identity.metadata.team.x}}", "")]
    [InlineData("{{identity.auth.authMethod}}", "universal-auth")]
    [InlineData("{{identity.auth.kubernetes.namespace}}", "ns1")]
    [InlineData("{{identity.auth.nope}}", "{{identity.auth.nope}}")]
    [InlineData("{{identity.auth.oidc.claims.sub}}", "")]
    [InlineData("{{identity.nope}}", "")]
    [InlineData("{{foo}}", "")]
    [InlineData("/{{identity.id}}/{{identity.metadata.env}}/**", "/ID1/dev/**")]
    [InlineData("no placeholders", "no placeholders")]
    [InlineData("{{#if x}}", "{{#if x}}")]
    [InlineData("{{identity.id", "{{identity.id")]
    public void RendersLikeHandlebars(string template, string expected) =>
        Assert.Equal(expected, PermissionTemplate.Render(template, Actor));

    [Fact]
    public void EveryEscapedCharacter() =>
        Assert.Equal("&amp;&lt;&gt;&quot;&#x27;&#x60;&#x3D;",
            PermissionTemplate.Render("{{identity.username}}", new ActorTemplateContext("i", "&<>\"'`=")));

    [Fact]
    public void AuthPlaceholdersRenderEmptyWhenTheRequestIsNotTheIdentitysOwn() =>
        Assert.Equal("", PermissionTemplate.Render("{{identity.auth.authMethod}}", new ActorTemplateContext("i", "n")));

    [Fact]
    public void BuildRendersConditionsForTheActor()
    {
        var rules = PermissionJson.ParseProject(JsonNode.Parse("""
            [{"subject":"identity","action":"edit","conditions":{"identityId":"{{identity.id}}"}},
             {"subject":"secrets","action":"readValue","conditions":{"environment":{"$in":["{{identity.metadata.env}}"]},"secretPath":{"$glob":"/{{identity.username}}/**"}}}]
            """));

        var bob = PermissionSet.Build([rules], Actor);
        Assert.True(bob.Can("edit", "identity", SubjectFields.Identity("ID1")));
        Assert.False(bob.Can("edit", "identity", SubjectFields.Identity("ID2")));
        Assert.True(bob.Can("readValue", "secrets", SubjectFields.EnvironmentAndPath("dev", "/bob/db")));
        Assert.False(bob.Can("readValue", "secrets", SubjectFields.EnvironmentAndPath("dev", "/alice/db")));
        // Denial details show the rendered rules, as Infisical's ability holds them.
        Assert.Equal("""[{"action":["edit"],"inverted":false,"subject":["identity"],"conditions":{"identityId":"ID1"}}]""",
            bob.DenialDetails("edit", "identity").ToJsonString());

        var alice = PermissionSet.Build([rules], new ActorTemplateContext("ID2", "alice"));
        Assert.True(alice.Can("edit", "identity", SubjectFields.Identity("ID2")));
        // Alice has no "env" metadata, so the literal placeholder stays and matches nothing real.
        Assert.False(alice.Can("readValue", "secrets", SubjectFields.EnvironmentAndPath("dev", "/alice/db")));

        // The rules themselves are untouched, so they can be stored and rendered for the next actor.
        Assert.Equal("""{"identityId":"{{identity.id}}"}""", rules[0].Conditions!.ToJson().ToJsonString());
    }

    [Fact]
    public void WithoutAnActorNothingIsRendered()
    {
        var rules = PermissionJson.ParseProject(JsonNode.Parse("""[{"subject":"identity","action":"edit","conditions":{"identityId":"{{identity.id}}"}}]"""));
        var set = PermissionSet.Build([rules]);
        Assert.False(set.Can("edit", "identity", SubjectFields.Identity("ID1")));
        Assert.True(set.Can("edit", "identity", SubjectFields.Identity("{{identity.id}}")));
    }
}
