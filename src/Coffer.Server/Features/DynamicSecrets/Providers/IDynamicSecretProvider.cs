using System.Text.Json.Nodes;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.DynamicSecrets.Providers;

/// <summary>What a lease hands to its taker: the provider's name for what it created, and the credentials.</summary>
public sealed record LeaseCredentials(string EntityId, JsonObject Data);

/// <summary>
/// One kind of system Coffer makes short-lived users in (Infisical's <c>TDynamicProviderFns</c>). Inputs travel as the
/// JSON object the client sent, normalized by <see cref="ReadInputs"/>; every call opens its own connection, within
/// bounded time, and reports failure as a <see cref="ProviderException"/> whose message holds no credential.
/// </summary>
public interface IDynamicSecretProvider
{
    /// <summary>Infisical's provider type (<c>sql-database</c>, <c>redis</c>).</summary>
    string Type { get; }

    /// <summary>Input fields that are credentials: stored sealed, never shown by any route, kept when an edit omits them.</summary>
    IReadOnlyList<string> SecretFields { get; }

    /// <summary>The inputs as stored, or null with issues added to <paramref name="input"/> (paths under <c>provider.inputs</c>).</summary>
    JsonObject? ReadInputs(Input input);

    /// <summary>Connects with the root credentials and runs a harmless command (Infisical's <c>validateConnection</c>).</summary>
    Task CheckConnectionAsync(JsonObject inputs, CancellationToken ct);

    Task<LeaseCredentials> CreateAsync(JsonObject inputs, string username, DateTimeOffset expireAt, CancellationToken ct);

    Task RenewAsync(JsonObject inputs, string entityId, DateTimeOffset expireAt, CancellationToken ct);

    Task RevokeAsync(JsonObject inputs, string entityId, CancellationToken ct);
}

/// <summary>A provider call that failed; the message names the failure and never a credential (see <see cref="Redact"/>).</summary>
public sealed class ProviderException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The message with every given secret (root password, new password, …) replaced by <c>[REDACTED]</c>.</summary>
    public static string Redact(string message, params string?[] secrets)
    {
        foreach (var secret in secrets)
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 3)
                message = message.Replace(secret, "[REDACTED]", StringComparison.Ordinal);
        return message;
    }
}
