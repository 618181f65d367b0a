namespace Coffer.Server.Features.DataKeyRotation;

public sealed record DataKeyRotationEnvelope(DataKeyRotationResult Rotation);

/// <summary>What a rotation re-sealed: secrets, their stored versions, and the KMS key versions of the project.</summary>
public sealed record DataKeyRotationResult(string ProjectId, long SecretsResealed, long VersionsResealed, long KmsKeyVersionsResealed, long DynamicSecretsResealed,
    long KeyVersion);
