using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Server.Features.DynamicSecrets.Providers;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>
/// A dynamic secret's provider inputs, sealed under the project's data key like a secret value (the associated data
/// names the project, the dynamic secret, its version and this field, so a blob moved elsewhere does not open).
/// </summary>
public static class DynamicSecretInputs
{
    /// <summary>The associated-data field of the sealed inputs.</summary>
    public const string Field = "dynamic-secret-inputs";

    public static byte[] Seal(ProjectKeys keys, string projectId, string id, long version, JsonObject inputs)
    {
        var plaintext = Encoding.UTF8.GetBytes(inputs.ToJsonString());
        try
        {
            return SecretCrypto.SealBytes(keys.Current, projectId, id, version, Field, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static JsonObject Open(ProjectKeys keys, DynamicSecretRow row)
    {
        var plaintext = SecretCrypto.OpenBytes(keys.For(row.KeyVersion), row.ProjectId, row.Id, row.Version, Field, row.EncryptedValue);
        try
        {
            return JsonNode.Parse(plaintext)!.AsObject();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// The inputs as routes show them: each credential field as an empty string. Present, because clients type-check
    /// what they read (Terraform's refresh stops on a password that is not a string); empty, because it is never
    /// revealed. Infisical omits these fields.
    /// </summary>
    public static JsonObject Shown(IDynamicSecretProvider provider, JsonObject inputs)
    {
        var shown = inputs.DeepClone().AsObject();
        foreach (var field in provider.SecretFields) shown[field] = "";
        return shown;
    }

    /// <summary>
    /// An edit's inputs over the stored ones. A credential field the edit leaves out, or sends back as shown (an empty
    /// string), keeps its stored value: a client that edits what it read must not blank the provider's password.
    /// </summary>
    public static JsonObject Merge(IDynamicSecretProvider provider, JsonObject stored, JsonObject? edit)
    {
        var merged = stored.DeepClone().AsObject();
        if (edit is null) return merged;
        foreach (var (name, value) in edit)
        {
            if (provider.SecretFields.Contains(name) && !GivesCredential(edit, name)) continue;
            merged[name] = value?.DeepClone();
        }
        return merged;
    }

    /// <summary>Whether an edit gives a new value for a credential field (not left out, not the empty string shown).</summary>
    public static bool GivesCredential(JsonObject edit, string field) =>
        edit.TryGetPropertyValue(field, out var value) && !JsonBody.IsEmptyString(value);
}
