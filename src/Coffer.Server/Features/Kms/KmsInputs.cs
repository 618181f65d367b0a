using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Kms;

/// <summary>How a new key's fields are read, with Infisical's messages: by the API's route and by the console's form alike.</summary>
public static class KmsInputs
{
    public static CreateKmsKeyRequest ReadCreate(Input body)
    {
        var projectId = body.String("projectId");
        var name = Slug.Read(body, "name", min: 1, max: 32, field: "Name");
        var description = body.String("description", required: false, trim: true, max: 500);
        var usage = body.Enum("keyUsage", KmsAlgorithms.Usages, KmsAlgorithms.EncryptDecrypt);
        var algorithm = body.Enum("algorithm", KmsAlgorithms.All) ?? body.Enum("encryptionAlgorithm", KmsAlgorithms.All) ?? KmsAlgorithms.Aes256Gcm;
        if (usage == KmsAlgorithms.EncryptDecrypt && !KmsAlgorithms.Symmetric.Contains(algorithm))
            body.Fail($"algorithm must be a valid symmetric encryption algorithm. Valid options are: {string.Join(", ", KmsAlgorithms.Symmetric)}");
        if (usage == KmsAlgorithms.SignVerify && !KmsAlgorithms.Asymmetric.Contains(algorithm))
            body.Fail($"algorithm must be a valid asymmetric sign-verify algorithm. Valid options are: {string.Join(", ", KmsAlgorithms.Asymmetric)}");
        body.ThrowIfInvalid();
        return new CreateKmsKeyRequest(projectId!, name!, description, usage!, algorithm);
    }
}
