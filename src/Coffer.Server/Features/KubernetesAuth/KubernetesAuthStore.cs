using System.Data.Common;
using Coffer.Server.Features.Identities;

namespace Coffer.Server.Features.KubernetesAuth;

public sealed record KubernetesAuthRow : AuthMethodRow
{
    public string KubernetesHost { get; init; } = "";
    public string CaCert { get; init; } = "";
    public byte[]? EncryptedTokenReviewerJwt { get; init; }
    public string TokenReviewMode { get; init; } = "api";
    public string AllowedNamespaces { get; init; } = "";
    public string AllowedNames { get; init; } = "";
    public string AllowedAudience { get; init; } = "";
}

/// <summary>Identities' Kubernetes auth configurations: the table and its own columns (queries in <see cref="AuthMethodStore"/>).</summary>
public static class KubernetesAuthStore
{
    public static readonly AuthMethodSchema Schema = new("identity_kubernetes_auths",
        "kubernetes_host", "ca_cert", "encrypted_token_reviewer_jwt", "token_review_mode", "allowed_namespaces", "allowed_names", "allowed_audience");

    public static Task<KubernetesAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        AuthMethodStore.FindByIdentityAsync<KubernetesAuthRow>(conn, Schema, identityId, tx);
}
