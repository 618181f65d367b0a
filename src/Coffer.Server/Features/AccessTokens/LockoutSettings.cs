using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// Failed-login lockout of an auth method. Universal auth and LDAP auth take the same four fields with Infisical's
/// ranges and defaults; one reader keeps the two from drifting apart.
/// </summary>
public sealed record LockoutSettings(bool? Enabled, long? Threshold, long? DurationSeconds, long? CounterResetSeconds)
{
    public const bool DefaultEnabled = true;
    public const long DefaultThreshold = 3;
    public const long DefaultDurationSeconds = 300;
    public const long DefaultCounterResetSeconds = 30;

    /// <summary>On attach every field has Infisical's default; on update an absent field means unchanged.</summary>
    public static LockoutSettings Read(Input body, bool withDefaults) => new(
        body.Boolean("lockoutEnabled", fallback: withDefaults ? DefaultEnabled : null),
        body.Integer("lockoutThreshold", min: 1, max: 30, fallback: withDefaults ? DefaultThreshold : null),
        body.Integer("lockoutDurationSeconds", min: 30, max: 86400, fallback: withDefaults ? DefaultDurationSeconds : null),
        body.Integer("lockoutCounterResetSeconds", min: 5, max: 3600, fallback: withDefaults ? DefaultCounterResetSeconds : null));
}
