using Coffer.Server.Features.Environments;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http;

namespace Coffer.Server.Features.SecretImports;

public sealed record ImportDetails(ImportRow Import, EnvironmentRow ImportEnvironment);

public sealed record ImportChange(FieldUpdate<string> Environment, FieldUpdate<string> Path, long? Position);
