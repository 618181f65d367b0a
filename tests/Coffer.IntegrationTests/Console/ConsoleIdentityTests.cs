using System.Net;
using System.Text.RegularExpressions;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>
/// A machine identity's logins in the console: universal auth's addresses and lockout, token auth's tokens (shown once,
/// revocable), each read back or used through the API; the API's own reader and permission checks answer bad input and
/// people without the permission.
/// </summary>
public sealed partial class ConsoleIdentityTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Password = "member password long enough";

    [Fact]
    public async Task Universal_auth_addresses_and_lockout_are_saved_as_the_api_reads_them()
    {
        var id = await fx.Given.IdentityAsync();
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var page = $"/identities/{id}";
        var attached = await browser.SubmitAsync(page, "attach-ua", Settings());
        Assert.True(attached.Status == HttpStatusCode.Found, string.Join('\n', fx.Server.Logs.Lines.TakeLast(30)));
        Expect.Ok(await fx.Api.GetAsync($"/api/v1/auth/universal-auth/identities/{id}", fx.AdminToken));

        var saved = await browser.SubmitAsync(page, "update-ua", Settings(("Ttl", "600"), ("MaxTtl", "3600"), ("Uses", "5"),
            ("TokenIps", "10.0.0.0/8, 192.168.1.7"), ("ClientSecretIps", "10.1.2.3/16"), ("LockoutEnabled", "True"),
            ("LockoutThreshold", "5"), ("LockoutDuration", "600"), ("LockoutReset", "60")));
        Assert.Equal(HttpStatusCode.Found, saved.Status);
        var ua = (await fx.Api.GetAsync($"/api/v1/auth/universal-auth/identities/{id}", fx.AdminToken)).Json["identityUniversalAuth"]!;
        Assert.Equal(600, ua["accessTokenTTL"]!.GetValue<long>());
        Assert.Equal(3600, ua["accessTokenMaxTTL"]!.GetValue<long>());
        Assert.Equal(5, ua["accessTokenNumUsesLimit"]!.GetValue<long>());
        Assert.Equal("""[{"ipAddress":"10.0.0.0","type":"ipv4","prefix":8},{"ipAddress":"192.168.1.7","type":"ipv4"}]""",
            ua["accessTokenTrustedIps"]!.ToJsonString());
        Assert.Equal("""[{"ipAddress":"10.1.0.0","type":"ipv4","prefix":16}]""", ua["clientSecretTrustedIps"]!.ToJsonString());
        Assert.True(ua["lockoutEnabled"]!.GetValue<bool>());
        Assert.Equal([5, 600, 60], new[] { "lockoutThreshold", "lockoutDurationSeconds", "lockoutCounterResetSeconds" }.Select(k => ua[k]!.GetValue<long>()));
        var shown = await browser.GetAsync(page);
        Assert.Contains("value=\"10.0.0.0/8, 192.168.1.7\"", shown.Html);

        // The API's reader answers, in its words, with the form's labels; what was typed stays in the form.
        var api = await fx.Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{id}", new { lockoutThreshold = 31 }, fx.AdminToken);
        Assert.Equal(422, api.Code);
        var tooMany = await browser.SubmitAsync(page, "update-ua", Settings(("LockoutThreshold", "31")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.Status);
        Assert.Equal($"Failed logins before lockout: {api.Json["message"]![0]!["message"]!.GetValue<string>()}", tooMany.ErrorText);
        Assert.Equal("Failed logins before lockout: Number must be less than or equal to 30", tooMany.ErrorText);
        Assert.Contains("value=\"31\"", tooMany.Html);

        var notNumber = await browser.SubmitAsync(page, "update-ua", Settings(("Ttl", "ten")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notNumber.Status);
        Assert.Equal("Access token lifetime: Expected number, received string", notNumber.ErrorText);
        var longer = await browser.SubmitAsync(page, "update-ua", Settings(("Ttl", "7200"), ("MaxTtl", "3600")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longer.Status);
        Assert.Equal("Access Token TTL cannot be greater than Access Token Max TTL.", longer.ErrorText);
        var noAddress = await browser.SubmitAsync(page, "update-ua", Settings(("ClientSecretIps", "10.0.0.300")));
        Assert.Equal(HttpStatusCode.BadRequest, noAddress.Status);
        Assert.Equal("The IP is not a valid IPv4, IPv6, or CIDR block", noAddress.ErrorText);

        var unchanged = (await fx.Api.GetAsync($"/api/v1/auth/universal-auth/identities/{id}", fx.AdminToken)).Json["identityUniversalAuth"]!;
        Assert.Equal(ua.ToJsonString(), unchanged.ToJsonString());
    }

    [Fact]
    public async Task A_token_is_shown_once_works_until_revoked_and_removing_token_auth_kills_the_rest()
    {
        var project = await fx.Given.TestProjectAsync();
        var id = await fx.Given.IdentityAsync();
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var page = $"/identities/{id}/token-auth";
        Assert.Contains("has no token auth yet", (await browser.GetAsync(page)).Html);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "attach-token-auth", ("Settings.Ttl", "900"), ("Settings.MaxTtl", "900"))).Status);
        var config = (await fx.Api.GetAsync($"/api/v1/auth/token-auth/identities/{id}", fx.AdminToken)).Json["identityTokenAuth"]!;
        Assert.Equal(900, config["accessTokenTTL"]!.GetValue<long>());

        var created = await browser.SubmitAsync(page, "create-token", ("NewToken.Name", "deploy"));
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var token = WebUtility.HtmlDecode(NewToken().Match(created.Html).Groups[1].Value);
        var secrets = $"/api/v3/secrets/raw?workspaceId={project.Id}&environment=dev";
        var notMember = $"You are not a member of this project with ID {project.Id}. Please assign this identity to the project with the appropriate permissions, then try again.";
        Expect.Error(await fx.Api.GetAsync(secrets, token), 403, "ProjectMembershipNotFound", notMember);
        var second = WebUtility.HtmlDecode(NewToken().Match((await browser.SubmitAsync(page, "create-token", ("NewToken.Name", "backup"))).Html).Groups[1].Value);

        // Shown once: the list names the tokens, never their values.
        var listed = await browser.GetAsync(page);
        Assert.DoesNotMatch(NewToken(), listed.Html);
        Assert.DoesNotContain(token, listed.Html);
        Assert.Contains("<td>deploy</td>", listed.Html);
        var tokens = (await fx.Api.GetAsync($"/api/v1/auth/token-auth/identities/{id}/tokens", fx.AdminToken)).Json["tokens"]!.AsArray();
        var deployId = tokens.Single(t => t!["name"]!.GetValue<string>() == "deploy")!["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, $"revoke-{deployId}")).Status);
        Expect.Error(await fx.Api.GetAsync(secrets, token), 401, "TokenError", "No identity access token found");
        Expect.Error(await fx.Api.GetAsync(secrets, second), 403, "ProjectMembershipNotFound", notMember);

        var unconfirmed = await browser.SubmitAsync(page, "remove-token-auth");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.Status);
        var name = (await fx.Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken)).Json["identity"]!["identity"]!["name"]!.GetValue<string>();
        Assert.Equal($"Tick the box to confirm removing token auth from {name}.", unconfirmed.ErrorText);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "remove-token-auth", ("Remove.Confirmed", "True"))).Status);
        Expect.Error(await fx.Api.GetAsync(secrets, second), 401, "TokenError", "No identity access token found");
        Expect.Error(await fx.Api.GetAsync($"/api/v1/auth/token-auth/identities/{id}", fx.AdminToken), 400, "BadRequest", "The identity does not have token auth");
    }

    [Fact]
    public async Task Token_auth_settings_the_api_refuses_are_refused_on_the_page_in_its_words_and_nothing_is_saved()
    {
        var id = await fx.Given.IdentityAsync();
        var config = $"/api/v1/auth/token-auth/identities/{id}";
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var page = $"/identities/{id}/token-auth";

        var notNumber = await browser.SubmitAsync(page, "attach-token-auth", ("Settings.Ttl", "ten"), ("Settings.MaxTtl", "900"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notNumber.Status);
        Assert.Equal("Access token lifetime: Expected number, received string", notNumber.ErrorText);
        Assert.Contains("value=\"ten\"", notNumber.Html);
        Expect.Error(await fx.Api.GetAsync(config, fx.AdminToken), 400, "BadRequest", "The identity does not have token auth");

        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "attach-token-auth", ("Settings.Ttl", "900"), ("Settings.MaxTtl", "900"))).Status);
        var saved = (await fx.Api.GetAsync(config, fx.AdminToken)).Json["identityTokenAuth"]!.ToJsonString();

        var longer = await browser.SubmitAsync(page, "update-token-auth", ("Settings.Ttl", "7200"), ("Settings.MaxTtl", "3600"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longer.Status);
        Assert.Equal("Access Token TTL cannot be greater than Access Token Max TTL.", longer.ErrorText);
        var api = await fx.Api.PatchAsync(config, new { accessTokenNumUsesLimit = -1 }, fx.AdminToken);
        Assert.Equal(422, api.Code);
        var negative = await browser.SubmitAsync(page, "update-token-auth", ("Settings.Uses", "-1"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, negative.Status);
        Assert.Equal($"Uses per access token: {api.Json["message"]![0]!["message"]!.GetValue<string>()}", negative.ErrorText);
        Assert.Equal("Uses per access token: Number must be greater than or equal to 0", negative.ErrorText);
        var noAddress = await browser.SubmitAsync(page, "update-token-auth", ("Settings.TokenIps", "10.0.0.300"));
        Assert.Equal(HttpStatusCode.BadRequest, noAddress.Status);
        Assert.Equal("The IP is not a valid IPv4, IPv6, or CIDR block", noAddress.ErrorText);

        Assert.Equal(saved, (await fx.Api.GetAsync(config, fx.AdminToken)).Json["identityTokenAuth"]!.ToJsonString());
    }

    [Fact]
    public async Task A_member_without_token_rights_gets_the_apis_refusals()
    {
        var admin = await fx.Given.IdentityAsync("admin");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/token-auth/identities/{admin}", new { }, fx.AdminToken));
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/universal-auth/identities/{admin}", new { }, fx.AdminToken));
        var (_, email, session) = await OrgUsers.SignUpAsync(fx, "member", Password);
        var memberToken = await OrgUsers.OrgTokenAsync(fx, session);
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync(email, Password);

        var mint = await fx.Api.PostAsync($"/api/v1/auth/token-auth/identities/{admin}/tokens", new { name = "x" }, memberToken);
        Assert.Equal(403, mint.Code);
        var opened = await browser.GetAsync($"/identities/{admin}/token-auth");
        Assert.Equal(HttpStatusCode.Forbidden, opened.Status);
        var crafted = await browser.PostAsync($"/identities/{admin}/token-auth", [new("_handler", "create-token"),
            new("__RequestVerificationToken", opened.AntiforgeryToken!), new("NewToken.Name", "x")]);
        Assert.Equal(HttpStatusCode.Forbidden, crafted.Status);
        Assert.Equal(mint.Json["message"]!.GetValue<string>(), crafted.ErrorText);

        var widen = await fx.Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{admin}", new { accessTokenNumUsesLimit = 0 }, memberToken);
        Assert.Equal(403, widen.Code);
        var update = await browser.PostAsync($"/identities/{admin}", [new("_handler", "update-ua"),
            new("__RequestVerificationToken", opened.AntiforgeryToken!), new("Settings.Uses", "0")]);
        Assert.Equal(HttpStatusCode.Forbidden, update.Status);
        Assert.Equal(widen.Json["message"]!.GetValue<string>(), update.ErrorText);
        var tokens = await fx.Api.GetAsync($"/api/v1/auth/token-auth/identities/{admin}/tokens", fx.AdminToken);
        Assert.Empty(tokens.Json["tokens"]!.AsArray());
    }

    /// <summary>The update form's fields as a browser posts them (all of them), with some changed.</summary>
    private static (string, string)[] Settings(params (string Field, string Value)[] changes)
    {
        var fields = new Dictionary<string, string>
        {
            ["Ttl"] = "2592000",
            ["MaxTtl"] = "2592000",
            ["Uses"] = "0",
            ["TokenIps"] = "0.0.0.0/0, ::/0",
            ["ClientSecretIps"] = "0.0.0.0/0, ::/0",
            ["LockoutThreshold"] = "3",
            ["LockoutDuration"] = "300",
            ["LockoutReset"] = "30",
        };
        foreach (var (field, value) in changes) fields[field] = value;
        return fields.Select(kv => ($"Settings.{kv.Key}", kv.Value)).ToArray();
    }

    [GeneratedRegex("<pre class=\"mono\" id=\"new-token\">([^<]+)</pre>")]
    private static partial Regex NewToken();
}
