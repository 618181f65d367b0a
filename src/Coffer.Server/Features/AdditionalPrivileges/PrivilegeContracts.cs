namespace Coffer.Server.Features.AdditionalPrivileges;

/// <summary>Permanent or temporary: Infisical's <c>type</c> discriminated union.</summary>
public sealed record PrivilegeTiming(bool IsTemporary, string? Range = null, DateTime? Start = null, double? RangeMilliseconds = null)
{
    public long? StartMs => Start is { } s ? new DateTimeOffset(s).ToUnixTimeMilliseconds() : null;
    public long? EndMs => StartMs is { } s && RangeMilliseconds is { } r ? s + (long)r : null;
}
