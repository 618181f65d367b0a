using Coffer.Server.Hosting;
using Npgsql;

namespace Coffer.Tests.Hosting;

/// <summary>The outage bounds added to every PostgreSQL connection string, and the operator's own values kept.</summary>
public class PostgresConnectionTests
{
    private static NpgsqlConnectionStringBuilder Bounded(string value) =>
        new(PostgresConnection.WithOutageBounds(DatabaseUrl.Parse(value).Value));

    [Theory]
    [InlineData("postgres://u:p@db:5432/coffer?sslmode=require")]
    [InlineData("Host=db;Username=u;Password=p;Database=coffer")]
    public void Unset_timeouts_get_bounds_that_keep_a_request_under_five_seconds(string value)
    {
        var b = Bounded(value);
        Assert.Equal(2, b.Timeout);
        Assert.Equal(2, b.CommandTimeout);
        Assert.Equal(500, b.CancellationTimeout);
        // The longest wait: a statement times out, then the cancel request's own connection times out.
        Assert.True(b.CommandTimeout + b.Timeout + (b.CancellationTimeout / 1000.0) < 5);
        Assert.Equal("db", b.Host);
        Assert.Equal("p", b.Password);
    }

    [Fact]
    public void A_connect_timeout_in_the_uri_is_kept()
    {
        var b = Bounded("postgres://u:p@db/coffer?connect_timeout=10");
        Assert.Equal(10, b.Timeout);
        Assert.Equal(2, b.CommandTimeout);
    }

    [Fact]
    public void Timeouts_in_the_key_value_form_are_kept_whatever_their_spelling()
    {
        var b = Bounded("Host=db;Username=u;timeout=7;CommandTimeout=30;Cancellation Timeout=-1");
        Assert.Equal(7, b.Timeout);
        Assert.Equal(30, b.CommandTimeout);
        Assert.Equal(-1, b.CancellationTimeout);
    }

    /// <summary>
    /// Neither values nor keys are echoed: with an unquoted ';' in a password ("Password=abc;def=ghi"), part of the
    /// password reads as a key, so even naming the unknown key could leak it.
    /// </summary>
    [Theory]
    [InlineData("Host=db;Password=hunter2;Colour=blue", "Colour")]
    [InlineData("Host=db;Password=abc;hunter2=x", "hunter2")]
    public void An_unknown_key_is_refused_without_echoing_keys_or_values(string connectionString, string mustNotAppear)
    {
        var ex = Assert.Throws<DatabaseUrlException>(() => PostgresConnection.WithOutageBounds(connectionString));
        Assert.Equal("DB_CONNECTION_URI", ex.Variable);
        Assert.Equal(
            "DB_CONNECTION_URI is not a key=value connection string that Npgsql accepts: check each key's spelling (Host, Port, Database, " +
            "Username, Password, SSL Mode, …) and double-quote values that hold ';', '=' or quotes.", ex.Message);
        Assert.DoesNotContain(mustNotAppear, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }
}
