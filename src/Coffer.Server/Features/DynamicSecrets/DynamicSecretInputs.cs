using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Server.Features.DynamicSecrets.Providers;
using Coffer.Server.Features.Secrets;

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

    /// <summary>The inputs as routes show them: without the provider's credential fields.</summary>
    public static JsonObject Shown(IDynamicSecretProvider provider, JsonObject inputs)
    {
        var shown = inputs.DeepClone().AsObject();
        foreach (var field in provider.SecretFields) shown.Remove(field);
        return shown;
    }

    /// <summary>An edit's inputs over the stored ones; a credential field the edit leaves out keeps its stored value.</summary>
    public static JsonObject Merge(JsonObject stored, JsonObject? edit)
    {
        var merged = stored.DeepClone().AsObject();
        if (edit is null) return merged;
        foreach (var (name, value) in edit) merged[name] = value?.DeepClone();
        return merged;
    }
}
