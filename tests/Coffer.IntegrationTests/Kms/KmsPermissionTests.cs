using System.Text;
using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Kms;

/// <summary>
/// The <c>cmek</c> actions decide each KMS route on their own: Infisical's <c>cryptographic-operator</c> role uses keys
/// but cannot see, make or change them; a custom role holding only <c>read</c> sees keys but uses none; a viewer reads.
/// Every refusal is Infisical's 403 naming the action.
/// </summary>
public sealed class KmsPermissionTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Root = "/api/v1/kms/keys";
    private static readonly string Data = Convert.ToBase64String(Encoding.UTF8.GetBytes("payload"));

    private Api Api => fx.Api;

    private static void Denied(ApiResponse r, string action) =>
        Expect.Error(r, 403, "PermissionDenied", $"You are not allowed to {action} on cmek", allowDetails: true);

    [Fact]
    public async Task Each_cmek_action_opens_its_own_routes_and_no_others()
    {
        var projectId = await fx.Given.ProjectAsync();
        var key = (await Api.PostAsync(Root, new { projectId, name = "shared" }, fx.AdminToken)).Json["key"]!["id"]!.GetValue<string>();
        var signer = (await Api.PostAsync(Root, new { projectId, name = "signer", keyUsage = "sign-verify", encryptionAlgorithm = "ECC_NIST_P256" },
            fx.AdminToken)).Json["key"]!["id"]!.GetValue<string>();
        var ciphertext = (await Api.PostAsync($"{Root}/{key}/encrypt", new { plaintext = Data }, fx.AdminToken)).Json["ciphertext"]!.GetValue<string>();

        var (_, operatorToken) = await fx.Given.ProjectMemberAsync(projectId, "cryptographic-operator");
        Expect.Ok(await Api.PostAsync($"{Root}/{key}/encrypt", new { plaintext = Data }, operatorToken));
        Expect.Ok(await Api.PostAsync($"{Root}/{key}/decrypt", new { ciphertext }, operatorToken));
        Expect.Ok(await Api.PostAsync($"{Root}/{key}/rewrap", new { ciphertext }, operatorToken));
        var signature = await Api.PostAsync($"{Root}/{signer}/sign", new { signingAlgorithm = "ECDSA_SHA_256", data = Data }, operatorToken);
        Expect.Ok(signature);
        Expect.Ok(await Api.PostAsync($"{Root}/{signer}/verify",
            new { signingAlgorithm = "ECDSA_SHA_256", data = Data, signature = signature.Json["signature"]!.GetValue<string>() }, operatorToken));
        Denied(await Api.GetAsync($"{Root}?projectId={projectId}", operatorToken), "read");
        Denied(await Api.GetAsync($"{Root}/{key}", operatorToken), "read");
        Denied(await Api.GetAsync($"{Root}/{signer}/public-key", operatorToken), "read");
        Denied(await Api.PostAsync(Root, new { projectId, name = "mine" }, operatorToken), "create");
        Denied(await Api.PatchAsync($"{Root}/{key}", new { isDisabled = true }, operatorToken), "edit");
        Denied(await Api.PostAsync($"{Root}/{key}/rotate", null, operatorToken), "edit");
        Denied(await Api.DeleteAsync($"{Root}/{key}", operatorToken), "delete");

        await fx.Given.RoleAsync(projectId, "key-auditor", [new { subject = "cmek", action = new[] { "read" } }]);
        var (_, auditor) = await fx.Given.ProjectMemberAsync(projectId, "key-auditor");
        Expect.Ok(await Api.GetAsync($"{Root}?projectId={projectId}", auditor));
        Expect.Ok(await Api.GetAsync($"{Root}/key-name/shared?projectId={projectId}", auditor));
        Expect.Ok(await Api.GetAsync($"{Root}/{signer}/public-key", auditor));
        Denied(await Api.PostAsync($"{Root}/{key}/encrypt", new { plaintext = Data }, auditor), "encrypt");
        Denied(await Api.PostAsync($"{Root}/{key}/decrypt", new { ciphertext }, auditor), "decrypt");
        Denied(await Api.PostAsync($"{Root}/{signer}/sign", new { signingAlgorithm = "ECDSA_SHA_256", data = Data }, auditor), "sign");

        // Rewrap reveals nothing, but it both decrypts and encrypts: holding one of the two is not enough.
        await fx.Given.RoleAsync(projectId, "decrypt-only", [new { subject = "cmek", action = new[] { "decrypt" } }]);
        var (_, decryptOnly) = await fx.Given.ProjectMemberAsync(projectId, "decrypt-only");
        Expect.Ok(await Api.PostAsync($"{Root}/{key}/decrypt", new { ciphertext }, decryptOnly));
        Denied(await Api.PostAsync($"{Root}/{key}/rewrap", new { ciphertext }, decryptOnly), "encrypt");

        var (_, viewer) = await fx.Given.ProjectMemberAsync(projectId, "viewer");
        Expect.Ok(await Api.GetAsync($"{Root}/{key}", viewer));
        Denied(await Api.PostAsync($"{Root}/{key}/encrypt", new { plaintext = Data }, viewer), "encrypt");

        // The audit trail names keys and operations, never data, keys or plaintext.
        await fx.Server.Services.GetRequiredService<Coffer.Server.Features.AuditLogs.AuditBatcher>().FlushAsync();
        var audit = await Api.GetAsync($"/api/v1/organization/audit-logs?projectId={projectId}&limit=100", fx.AdminToken);
        Expect.Ok(audit);
        var events = audit.Json["auditLogs"]!.AsArray().Select(e => e!["event"]!["type"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "create-cmek", "cmek-encrypt", "cmek-decrypt", "cmek-sign", "cmek-verify", "cmek-rewrap", "get-cmeks" }, events);
        Assert.DoesNotContain(Data, audit.RawBody);
    }
}
