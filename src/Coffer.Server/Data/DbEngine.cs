namespace Coffer.Server.Data;

public enum DbEngine
{
    Sqlite,
    Postgres,
}
