namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Tests that only PostgreSQL can show (several processes on one database, a database restart).</summary>
public static class RequiresPostgres
{
    public const string Reason =
        "needs PostgreSQL: set COFFER_TEST_POSTGRES (scripts/test.sh runs these in its PostgreSQL phase; " +
        "scripts/pg-test-server.sh start prints the value)";

    /// <summary>Skips the calling test, saying why, in the SQLite phase.</summary>
    public static void Check()
    {
        if (!TestDatabase.IsPostgres) Assert.Skip(Reason);
    }
}
