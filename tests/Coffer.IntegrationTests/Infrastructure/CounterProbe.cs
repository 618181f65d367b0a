using System.Diagnostics.Metrics;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// Listens to one of Coffer's counters (meter "Coffer.Server") while it lives, as an exporter would, and adds up what
/// was recorded under a label's value. In-process servers share the process's instruments, so a probe sees every
/// server's measurements: assert that something was counted, not an exact number.
/// </summary>
public sealed class CounterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _byLabel = [];

    public CounterProbe(string instrument, string label)
    {
        _listener.InstrumentPublished = (i, listener) =>
        {
            if (i.Meter.Name == "Coffer.Server" && i.Name == instrument) listener.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == label)
                    lock (_byLabel) _byLabel[tag.Value?.ToString() ?? ""] = _byLabel.GetValueOrDefault(tag.Value?.ToString() ?? "") + value;
        });
        _listener.Start();
    }

    public long Count(string labelValue)
    {
        lock (_byLabel) return _byLabel.GetValueOrDefault(labelValue);
    }

    public void Dispose() => _listener.Dispose();
}
