using Coffer.Server.Features.DynamicSecrets.Providers;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>The providers Coffer serves, by Infisical's type name.</summary>
public sealed class DynamicSecretProviders(IEnumerable<IDynamicSecretProvider> providers)
{
    /// <summary>Infisical's whole list, so a type Coffer does not serve is named as such rather than as a typo.</summary>
    public static readonly string[] InfisicalTypes =
    [
        "sql-database", "cassandra", "aws-iam", "redis", "aws-elasticache", "mongo-db-atlas", "elastic-search", "mongo-db", "rabbit-mq",
        "azure-entra-id", "ldap", "sap-hana", "snowflake", "totp", "sap-ase", "kubernetes", "vertica", "gcp-iam", "github", "couchbase",
    ];

    private readonly Dictionary<string, IDynamicSecretProvider> _byType = providers.ToDictionary(p => p.Type, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Types => _byType.Keys;

    public IDynamicSecretProvider? Find(string type) => _byType.GetValueOrDefault(type);

    public IDynamicSecretProvider Get(string type) =>
        Find(type) ?? throw new InvalidOperationException($"A stored dynamic secret names the provider '{type}', which this server lacks.");
}
