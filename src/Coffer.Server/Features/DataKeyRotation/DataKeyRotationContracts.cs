namespace Coffer.Server.Features.DataKeyRotation;

public sealed record DataKeyRotationEnvelope(DataKeyRotationResult Rotation);

public sealed record DataKeyRotationResult(string ProjectId, long SecretsResealed, long VersionsResealed, long KeyVersion);
