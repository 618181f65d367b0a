using Microsoft.Data.Sqlite;

namespace Coffer.Server.Data;

/// <summary>Recognises a unique-index violation on either engine, for races two writers can only lose at commit time.</summary>
public static class UniqueViolation
{
    public static bool Is(Exception ex) => ex switch
    {
        // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ when PostgresEngine.Owns(ex) => PostgresEngine.IsUniqueViolation(ex),
        _ => false,
    };
}
