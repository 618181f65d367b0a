namespace Coffer.Server.Hosting;

/// <summary>Turns DB_CONNECTION_URI (URI or key=value) and DB_ROOT_CERT into an Npgsql connection string.</summary>
public static class PostgresConnection
{
    public static string Build(CofferOptions options)
    {
        try
        {
            return DatabaseUrl.Parse(options.DatabaseUri!, options.DatabaseRootCertificate, options.DataDirectory).Value;
        }
        catch (DatabaseUrlException ex)
        {
            throw new ConfigurationException(ex.Message);
        }
    }
}
