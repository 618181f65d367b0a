using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.UniversalAuth;

/// <summary>Universal auth's settings as the API reads them; the console's forms go through the same reader.</summary>
public static class UniversalAuthInputs
{
    /// <summary>On attach every field has Infisical's default; on update an absent field means unchanged.</summary>
    public static UniversalAuthSettings Read(Input body, bool withDefaults)
    {
        var clientSecretIps = TrustedIps.ReadRaw(body, "clientSecretTrustedIps");
        var tokens = TokenSettings.Read(body, withDefaults);
        var settings = new UniversalAuthSettings(
            tokens,
            clientSecretIps,
            LockoutSettings.Read(body, withDefaults));
        tokens.RefineTtl(body);
        body.ThrowIfInvalid();
        return settings;
    }
}
