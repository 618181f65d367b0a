namespace Coffer.Server.Crypto;

/// <summary>
/// HKDF labels for keys derived from the root key. Each purpose gets its own subkey so that no key is ever used for two
/// jobs. These strings are part of the storage format: renaming one makes everything it protected unreadable.
/// </summary>
public static class KeyPurposes
{
    /// <summary>AES-256-GCM server key that seals the console's antiforgery tokens (a random key in server_keys).</summary>
    public const string ConsoleProtection = "console-protection";

    /// <summary>HMAC-SHA256 key for universal-auth client secrets (decision 9).</summary>
    public const string ClientSecretHmac = "client-secret-hmac";

    /// <summary>AES-256-GCM key that wraps per-project data keys. The root key itself never encrypts anything.</summary>
    public const string DataKeyWrap = "data-key-wrap";

    /// <summary>Wrapping label (associated data) of a project's secret-manager data key; the owner is the project id.</summary>
    public const string ProjectSecretsDataKey = "project-secrets";

    /// <summary>
    /// The owner a project's data key is wrapped for. Key 1 keeps the bare project id it always had; later keys add their
    /// number, so one version's wrapped key pasted into another version's row does not unwrap.
    /// </summary>
    public static string ProjectDataKeyOwner(string projectId, long keyVersion) =>
        keyVersion == 1 ? projectId : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{projectId}#{keyVersion}");

    /// <summary>HMAC-SHA256 key of response ETags (<see cref="ResponseETags"/>); changing the root key changes every ETag once.</summary>
    public const string ResponseETag = "response-etag";

    /// <summary>Wrapping label of server-wide keys stored in <c>server_keys</c>; the owner is the key's purpose.</summary>
    public const string ServerKey = "server-key";

    /// <summary>
    /// The server key sealing auth methods' stored credentials (a Kubernetes token reviewer's JWT, an LDAP bind
    /// password): random, kept in <c>server_keys</c>, so a root-key rotation rewraps it and nothing sealed under it changes.
    /// </summary>
    public const string AuthMethodCredentials = "auth-method-credentials";
}
