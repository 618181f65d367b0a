namespace Coffer.Server.Features.Bootstrap;

public sealed record BootstrapRequest(string Email, string Password, string Organization);

public sealed record BootstrapResponse(string Message, BootstrapUser User, BootstrapOrganization Organization, BootstrapIdentity Identity);

public sealed record BootstrapUser(string Username, string FirstName, string LastName, string Email, string Id, bool SuperAdmin);

public sealed record BootstrapOrganization(string Id, string Name, string Slug);

public sealed record BootstrapIdentity(string Id, string Name, BootstrapCredentials Credentials);

public sealed record BootstrapCredentials(string Token);
