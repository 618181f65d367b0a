using System.Net;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>KMS keys in the console: created (the API's reader and words), disabled and enabled, rotated, deleted.</summary>
public sealed class ConsoleKeyTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Keys_are_created_disabled_rotated_and_deleted_and_refusals_match_the_api()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var projectId = await browser.CreateProjectAsync("Keys");
        var admin = await OrgUsers.AdminUserTokenAsync(fx);
        var page = $"/projects/{projectId}/keys";
        Assert.Contains(page, (await browser.GetAsync($"/projects/{projectId}")).Html);

        var payments = await browser.SubmitAsync(page, "create-key", ("NewKey.Name", "payments"), ("NewKey.Description", "card data"),
            ("NewKey.Usage", "encrypt-decrypt"), ("NewKey.Algorithm", "aes-256-gcm"));
        Assert.Equal(HttpStatusCode.Found, payments.Status);
        Assert.Equal(page, payments.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "create-key", ("NewKey.Name", "signer"),
            ("NewKey.Usage", "sign-verify"), ("NewKey.Algorithm", "ECC_NIST_P256"))).Status);
        var keys = await KeysAsync(projectId, admin);
        Assert.Equal(["payments", "signer"], keys.Select(k => k["name"]!.GetValue<string>()));
        Assert.Equal("card data", keys[0]["description"]!.GetValue<string>());
        Assert.Equal("ECC_NIST_P256", keys[1]["algorithm"]!.GetValue<string>());

        // Refused as the API refuses the same body, in its words and with its status.
        foreach (var (name, usage, algorithm) in new[] { ("payments", "encrypt-decrypt", "aes-128-gcm"), ("mixed", "encrypt-decrypt", "RSA_4096"), ("bad name", "encrypt-decrypt", "aes-256-gcm") })
        {
            var api = await fx.Api.PostAsync("/api/v1/kms/keys", new { projectId, name, keyUsage = usage, algorithm }, admin);
            Assert.InRange(api.Code, 400, 499);
            var refused = await browser.SubmitAsync(page, "create-key", ("NewKey.Name", name), ("NewKey.Usage", usage), ("NewKey.Algorithm", algorithm));
            Assert.Equal(api.Code, (int)refused.Status);
            var message = api.Json["message"] is JsonArray issues ? issues[0]!["message"]!.GetValue<string>() : api.Json["message"]!.GetValue<string>();
            Assert.EndsWith(message, refused.ErrorText);
        }
        Assert.Equal(2, (await KeysAsync(projectId, admin)).Count);

        var paymentsId = keys[0]["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, $"toggle-{paymentsId}")).Status);
        Assert.True((await KeysAsync(projectId, admin))[0]["isDisabled"]!.GetValue<bool>());
        Assert.Contains("disabled", (await browser.GetAsync(page)).Html);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, $"toggle-{paymentsId}")).Status);
        Assert.False((await KeysAsync(projectId, admin))[0]["isDisabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, $"rotate-{paymentsId}")).Status);
        Assert.Equal(2, (await KeysAsync(projectId, admin))[0]["version"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, $"delete-{keys[1]["id"]!.GetValue<string>()}")).Status);
        Assert.Equal(["payments"], (await KeysAsync(projectId, admin)).Select(k => k["name"]!.GetValue<string>()));
    }

    private async Task<List<JsonNode>> KeysAsync(string projectId, string token)
    {
        var r = await fx.Api.GetAsync($"/api/v1/kms/keys?projectId={projectId}&orderBy=name", token);
        Expect.Ok(r);
        return [.. r.Json["keys"]!.AsArray().Select(k => k!)];
    }
}
