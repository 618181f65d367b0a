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

    [Fact]
    public void A_key_npgsql_does_not_know_is_named_without_the_values()
    {
        var ex = Assert.Throws<DatabaseUrlException>(() => PostgresConnection.WithOutageBounds("Host=db;Password=hunter2;Colour=blue"));
        Assert.Equal("DB_CONNECTION_URI", ex.Variable);
        Assert.Contains("colour", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }
}
