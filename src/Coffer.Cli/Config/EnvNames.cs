namespace Coffer.Cli.Config;

/// <summary>Environment variable names, the same as Infisical's CLI reads (packages/util/constants.go).</summary>
internal static class EnvNames
{
    public const string Token = "INFISICAL_TOKEN";
    public const string UniversalAuthAccessToken = "INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN";
    public const string ClientId = "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID";
    public const string ClientSecret = "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET";
    public const string Domain = "INFISICAL_DOMAIN";
    public const string LegacyApiUrl = "INFISICAL_API_URL";
    public const string ProjectId = "INFISICAL_PROJECT_ID";
    public const string Environment = "INFISICAL_ENVIRONMENT";
    public const string SecretPath = "INFISICAL_SECRET_PATH";
    public const string XdgConfigHome = "XDG_CONFIG_HOME";
    public const string Home = "HOME";
}
