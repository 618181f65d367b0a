using System.Net;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>An identity's name, organization role, metadata and delete protection in the console, saved as the API saves them and refused as it refuses.</summary>
public sealed class ConsoleIdentitySettingsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Password = "member password long enough";

    [Fact]
    public async Task Name_role_metadata_and_delete_protection_are_saved_and_a_malformed_line_saves_nothing()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var page = $"/identities/{identityId}/settings";
        Assert.Contains(page, (await browser.GetAsync($"/identities/{identityId}")).Html);

        var name = "worker-" + Guid.NewGuid().ToString("N")[..6];
        var saved = await browser.SubmitAsync(page, "identity-settings",
            ("Input.Name", name), ("Input.Role", "no-access"), ("Input.Metadata", "team=alpha\r\n\r\n env = prod=eu \n"), ("Input.DeleteProtection", "True"));
        Assert.Equal(HttpStatusCode.Found, saved.Status);
        Assert.Equal($"/identities/{identityId}", saved.Location!.PathAndQuery);
        var read = await fx.Api.GetAsync($"/api/v1/identities/{identityId}", fx.AdminToken);
        Expect.Ok(read);
        var identity = read.Json["identity"]!;
        Assert.Equal(name, identity["identity"]!["name"]!.GetValue<string>());
        Assert.True(identity["identity"]!["hasDeleteProtection"]!.GetValue<bool>());
        Assert.Equal("no-access", identity["role"]!.GetValue<string>());
        Assert.Equal(["env=prod=eu", "team=alpha"], Metadata(identity));
        Assert.Contains("team=alpha", (await browser.GetAsync(page)).Html);

        var malformed = await browser.SubmitAsync(page, "identity-settings", ("Input.Name", "other"), ("Input.Metadata", "team=beta\nno-value"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, malformed.Status);
        Assert.Equal("Metadata line 2: write key=value, with neither side empty.", malformed.ErrorText);
        Assert.Contains("no-value", malformed.Html);
        var after = (await fx.Api.GetAsync($"/api/v1/identities/{identityId}", fx.AdminToken)).Json["identity"]!;
        Assert.Equal(name, after["identity"]!["name"]!.GetValue<string>());
        Assert.Equal(["env=prod=eu", "team=alpha"], Metadata(after));
    }

    [Fact]
    public async Task A_member_gets_the_apis_refusal_for_an_identity_that_holds_more()
    {
        var admin = await fx.Given.IdentityAsync("admin");
        var (_, email, session) = await OrgUsers.SignUpAsync(fx, "member", Password);
        var memberToken = await OrgUsers.OrgTokenAsync(fx, session);
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync(email, Password);

        var api = await fx.Api.PatchAsync($"/api/v1/identities/{admin}",
            new { name = "taken-over", metadata = new[] { new { key = "team", value = "alpha" } } }, memberToken);
        Assert.Equal(403, api.Code);
        var opened = await browser.GetAsync("/identities");
        var crafted = await browser.PostAsync($"/identities/{admin}/settings", [new("_handler", "identity-settings"),
            new("__RequestVerificationToken", opened.AntiforgeryToken!), new("Input.Name", "taken-over"), new("Input.Metadata", "team=alpha")]);
        Assert.Equal(HttpStatusCode.Forbidden, crafted.Status);
        Assert.Equal(api.Json["message"]!.GetValue<string>(), crafted.ErrorText);
        var read = await fx.Api.GetAsync($"/api/v1/identities/{admin}", fx.AdminToken);
        Assert.NotEqual("taken-over", read.Json["identity"]!["identity"]!["name"]!.GetValue<string>());
        Assert.Empty(Metadata(read.Json["identity"]!));
    }

    private static string[] Metadata(JsonNode identity) =>
        [.. (identity["metadata"]?.AsArray() ?? []).Select(m => $"{m!["key"]!.GetValue<string>()}={m["value"]!.GetValue<string>()}").Order(StringComparer.Ordinal)];
}
