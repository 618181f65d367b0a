using System.Data.Common;
using Coffer.Server.Features.Identities;

namespace Coffer.Server.Features.AwsAuth;

public sealed record AwsAuthRow : AuthMethodRow
{
    public string StsEndpoint { get; init; } = "";
    public string AllowedPrincipalArns { get; init; } = "";
    public string AllowedAccountIds { get; init; } = "";
}

/// <summary>Identities' AWS IAM auth configurations: the table and its own columns (queries in <see cref="AuthMethodStore"/>).</summary>
public static class AwsAuthStore
{
    public static readonly AuthMethodSchema Schema = new("identity_aws_auths", "sts_endpoint", "allowed_principal_arns", "allowed_account_ids");

    public static Task<AwsAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        AuthMethodStore.FindByIdentityAsync<AwsAuthRow>(conn, Schema, identityId, tx);
}
