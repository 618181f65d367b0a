using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Hosting;

/// <summary>
/// Turns <c>DB_ROOT_CERT</c> (base64 of a PEM CA bundle, as Infisical reads it) into a file Npgsql can load as its
/// Root Certificate. The file name is a hash of the content, so restarts reuse it; it is written 0600 and renamed into
/// place, so a reader never sees half a file.
/// </summary>
internal static class RootCertificateFile
{
    private const string Variable = DatabaseUrl.RootCertVariable;

    public static string Write(string rootCert, string directory)
    {
        var pem = Decode(rootCert);
        var bytes = Encoding.UTF8.GetBytes(pem);
        var name = $"db-root-cert-{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8))}.pem";
        var path = Path.Combine(Path.GetFullPath(directory), name);

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return path;
    }

    /// <summary>
    /// Base64 (standard or URL-safe, padding optional, whitespace ignored, as Node's decoder allows) of a PEM; a raw
    /// PEM pasted by mistake is accepted as-is.
    /// </summary>
    internal static string Decode(string rootCert)
    {
        var trimmed = rootCert.Trim();
        string pem;
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            pem = trimmed;
        }
        else
        {
            var base64 = new StringBuilder(trimmed.Length + 3);
            foreach (var c in trimmed)
            {
                if (!char.IsWhiteSpace(c))
                {
                    base64.Append(c switch { '-' => '+', '_' => '/', _ => c });
                }
            }

            base64.Append('=', (4 - (base64.Length % 4)) % 4);
            var buffer = new byte[base64.Length / 4 * 3];
            if (!Convert.TryFromBase64String(base64.ToString(), buffer, out var written))
            {
                throw new DatabaseUrlException(Variable, $"{Variable} must be the base64 encoding of a PEM CA certificate.");
            }

            pem = Encoding.UTF8.GetString(buffer, 0, written);
        }

        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new DatabaseUrlException(
                Variable, $"{Variable} does not contain a PEM certificate (expected -----BEGIN CERTIFICATE----- after base64 decoding).");
        }

        return pem.EndsWith('\n') ? pem : pem + "\n";
    }
}
