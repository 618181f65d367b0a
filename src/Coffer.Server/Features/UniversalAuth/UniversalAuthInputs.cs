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
            body.Boolean("lockoutEnabled", fallback: withDefaults ? true : null),
            body.Integer("lockoutThreshold", min: 1, max: 30, fallback: withDefaults ? 3 : null),
            body.Integer("lockoutDurationSeconds", min: 30, max: 86400, fallback: withDefaults ? 300 : null),
            body.Integer("lockoutCounterResetSeconds", min: 5, max: 3600, fallback: withDefaults ? 30 : null));
        tokens.RefineTtl(body);
        body.ThrowIfInvalid();
        return settings;
    }
}
