using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Kms;

/// <summary>
/// Infisical's customer-managed-key routes under <c>/api/v1/kms/keys</c> (the SDKs' <c>kms()</c>, Terraform's
/// <c>infisical_kms_key</c>), Infisical's <c>POST /api/v1/kms/keys/{keyId}/rotate</c>, and Coffer's own
/// <c>…/{keyId}/rewrap</c> and <c>…/{keyId}/min-decryption-version</c>. There is no export route: key material never
/// leaves the server.
/// </summary>
public static class KmsEndpoints
{
    public static void MapKms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("KMS");

        group.MapPost("/api/v1/kms/keys", async (HttpContext http, KmsService service) =>
        {
            var request = KmsInputs.ReadCreate(await JsonBody.ReadInputAsync(http.Request));
            var actor = http.GetActor();
            var key = await service.CreateAsync(actor, AuditContext.From(http, actor), request);
            return TypedResults.Ok(new KmsKeyResponse(key));
        }).WithSummary("Create KMS key");

        group.MapGet("/api/v1/kms/keys", async (HttpContext http, KmsService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var projectId = query.String("projectId");
            var offset = query.Number("offset", required: false, min: 0) ?? 0;
            var limit = query.Number("limit", required: false, min: 1, max: 100) ?? 100;
            query.Enum("orderBy", ["name"], "name");
            var direction = query.Enum("orderDirection", ["asc", "desc"], "asc");
            var search = query.String("search", required: false, trim: true);
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            var (keys, total) = await service.ListAsync(actor, AuditContext.From(http, actor), projectId!, search, direction == "desc", (int)offset, (int)limit);
            return TypedResults.Ok(new KmsKeyList(keys, total));
        }).WithSummary("List KMS keys");

        group.MapGet("/api/v1/kms/keys/{keyId}", async (HttpContext http, string keyId, KmsService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new KmsKeyResponse(await service.GetAsync(actor, AuditContext.From(http, actor), KeyId(keyId))));
        }).WithSummary("Get KMS key by ID");

        group.MapGet("/api/v1/kms/keys/key-name/{keyName}", async (HttpContext http, string keyName, KmsService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var projectId = query.String("projectId", min: 1);
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(new KmsKeyResponse(await service.GetByNameAsync(actor, AuditContext.From(http, actor), projectId!, keyName.Trim().ToLowerInvariant())));
        }).WithSummary("Get KMS key by name");

        group.MapPatch("/api/v1/kms/keys/{keyId}", async (HttpContext http, string keyId, KmsService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var name = Slug.Read(body, "name", required: false, min: 1, max: 32, field: "Name");
            var isDisabled = body.Boolean("isDisabled");
            var description = body.String("description", required: false, trim: true, max: 500);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(new KmsKeyResponse(await service.UpdateAsync(actor, AuditContext.From(http, actor), KeyId(keyId), name, description, isDisabled)));
        }).WithSummary("Update KMS key");

        group.MapDelete("/api/v1/kms/keys/{keyId}", async (HttpContext http, string keyId, KmsService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new KmsKeyResponse(await service.DeleteAsync(actor, AuditContext.From(http, actor), KeyId(keyId))));
        }).WithSummary("Delete KMS key");

        group.MapPost("/api/v1/kms/keys/{keyId}/encrypt", async (HttpContext http, string keyId, KmsService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var plaintext = Base64(body, "plaintext", "data", KmsAlgorithms.MaxPayloadBytes);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(new CiphertextResponse(await service.EncryptAsync(actor, AuditContext.From(http, actor), KeyId(keyId), plaintext!)));
        }).WithSummary("Encrypt data with KMS key");

        group.MapPost("/api/v1/kms/keys/{keyId}/decrypt", async (HttpContext http, string keyId, KmsService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var ciphertext = Base64(body, "ciphertext", "ciphertext", KmsAlgorithms.MaxCiphertextBytes);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(new PlaintextResponse(await service.DecryptAsync(actor, AuditContext.From(http, actor), KeyId(keyId), ciphertext!)));
        }).WithSummary("Decrypt data with KMS key");

        group.MapPost("/api/v1/kms/keys/{keyId}/sign", async (HttpContext http, string keyId, KmsService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var algorithm = body.Enum("signingAlgorithm", KmsAlgorithms.Signing, required: true);
            var isDigest = body.Boolean("isDigest", fallback: false) ?? false;
            var data = Base64(body, "data", "data", KmsAlgorithms.MaxPayloadBytes);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(await service.SignAsync(actor, AuditContext.From(http, actor), KeyId(keyId), algorithm!, data!, isDigest));
        }).WithSummary("Sign data with a KMS key");

        group.MapPost("/api/v1/kms/keys/{keyId}/verify", async (HttpContext http, string keyId, KmsService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var isDigest = body.Boolean("isDigest", fallback: false) ?? false;
            var data = Base64(body, "data", "data", KmsAlgorithms.MaxPayloadBytes);
            var signature = Base64(body, "signature", "signature", KmsAlgorithms.MaxSignatureBytes);
            var algorithm = body.Enum("signingAlgorithm", KmsAlgorithms.Signing, required: true);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(await service.VerifyAsync(actor, AuditContext.From(http, actor), KeyId(keyId), algorithm!, data!, signature!, isDigest));
        }).WithSummary("Verify data signatures with a KMS key");

        group.MapGet("/api/v1/kms/keys/{keyId}/public-key", async (HttpContext http, string keyId, KmsService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new PublicKeyResponse(await service.PublicKeyAsync(actor, AuditContext.From(http, actor), KeyId(keyId))));
        }).WithSummary("Get the public key of a signing KMS key");

        group.MapGet("/api/v1/kms/keys/{keyId}/signing-algorithms", async (HttpContext http, string keyId, KmsService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new SigningAlgorithmsResponse(await service.SigningAlgorithmsAsync(actor, AuditContext.From(http, actor), KeyId(keyId))));
        }).WithSummary("List all available signing algorithms for a KMS key");

        group.MapPost("/api/v1/kms/keys/{keyId}/rotate", async (HttpContext http, string keyId, KmsService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new KmsKeyResponse(await service.RotateAsync(actor, AuditContext.From(http, actor), KeyId(keyId))));
        }).WithSummary("Rotate KMS key");

        group.MapPost("/api/v1/kms/keys/{keyId}/rewrap", async (HttpContext http, string keyId, KmsService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var ciphertext = Base64(body, "ciphertext", "ciphertext", KmsAlgorithms.MaxCiphertextBytes);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(new CiphertextResponse(await service.RewrapAsync(actor, AuditContext.From(http, actor), KeyId(keyId), ciphertext!)));
        }).WithSummary("Re-encrypt a ciphertext under the key's newest version (Coffer)");

        group.MapPut("/api/v1/kms/keys/{keyId}/min-decryption-version", async (HttpContext http, string keyId, KmsService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var version = body.Number("minDecryptionVersion", min: 1, required: true);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(await service.SetMinDecryptionVersionAsync(actor, AuditContext.From(http, actor), KeyId(keyId), (long)version!.Value));
        }).WithSummary("Set the oldest key version that still decrypts (Coffer)");
    }

    /// <summary>Infisical validates the id as a UUID (a 422); Coffer answers any id it does not hold with the 404.</summary>
    private static string KeyId(string keyId) => keyId.Trim();

    /// <summary>Infisical's base64 check: a custom issue for text that is not base64, another for more than <paramref name="maxBytes"/>.</summary>
    private static byte[]? Base64(Input body, string name, string label, int maxBytes)
    {
        var text = body.String(name);
        if (text is null) return null;
        var bytes = TryDecode(text);
        if (bytes is null) body.Fail($"{label} must be base64 encoded", name);
        else if (bytes.Length > maxBytes) body.Fail($"{label} cannot exceed {maxBytes} bytes", name);
        return bytes;
    }

    private static byte[]? TryDecode(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
