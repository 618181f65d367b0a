using Coffer.Server.Configuration;
using Coffer.Server.Crypto;
using Coffer.Server.Features.Folders;
using Coffer.Server.Features.SecretImports;
using Coffer.Server.Features.SecretTags;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.Secrets;

public static class SecretServices
{
    /// <summary>Everything the secret, folder, import and tag routes need, in one line for <c>CofferApp</c>.</summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services) => services
        .AddSingleton(sp => new ResponseETags(sp.GetRequiredService<CofferOptions>().RootKey))
        .AddSingleton<ProjectKeyRing>()
        .AddSingleton<ProjectContentCache>()
        .AddSingleton<SecretReader>()
        .AddSingleton<SecretWriter>()
        .AddSingleton<FolderService>()
        .AddSingleton<ImportService>()
        .AddSingleton<TagService>();
}
