using System.Runtime.InteropServices;

namespace Coffer.Cli.Run;

/// <summary>
/// While a child runs, signals sent to coffer (Ctrl-C, <c>kill</c>, a container runtime's SIGTERM)
/// are passed on to the child instead of ending coffer, so the child can shut down cleanly and its
/// exit code is what coffer returns. Infisical's CLI forwards every signal the same way.
/// </summary>
internal sealed class SignalForwarder : IDisposable
{
    readonly List<PosixSignalRegistration> _registrations = [];
    // Signals arrive on the runtime's signal thread while the runner records the child: one lock makes "is there a
    // child, is one starting, hold or forward" a single step, so a signal is never let through to end coffer, nor held
    // after the held ones were handed over, while a child starts.
    readonly Lock _gate = new();
    readonly Queue<int> _pending = new();
    int _childPid;
    bool _starting;

    public SignalForwarder()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Register(PosixSignal.SIGINT, Native.SigInt);
        Register(PosixSignal.SIGTERM, Native.SigTerm);
        Register(PosixSignal.SIGQUIT, Native.SigQuit);
        Register(PosixSignal.SIGHUP, Native.SigHup);
        if (Native.SigUsr1 is { } usr1)
        {
            Register((PosixSignal)usr1, usr1);
        }

        if (Native.SigUsr2 is { } usr2)
        {
            Register((PosixSignal)usr2, usr2);
        }
    }

    /// <summary>The signal most recently forwarded, for tests and diagnostics.</summary>
    public int? LastSignal { get; private set; }

    /// <summary>The process that receives forwarded signals; 0 while none runs.</summary>
    public int ChildPid
    {
        get
        {
            lock (_gate) return _childPid;
        }
        set
        {
            lock (_gate)
            {
                _childPid = value;
                _starting = false;
                // A signal that came while the child was being started belongs to it.
                while (_pending.TryDequeue(out var number))
                {
                    if (value != 0) Native.Signal(value, number);
                }
            }
        }
    }

    /// <summary>
    /// A child is about to start: a signal arriving before its pid is known is held for it instead of ending coffer
    /// (the child may already be running, and even have printed, by the time the pid is recorded).
    /// </summary>
    public void ChildStarting()
    {
        lock (_gate) _starting = true;
    }

    void Register(PosixSignal signal, int number)
    {
        _registrations.Add(PosixSignalRegistration.Create(signal, context =>
        {
            lock (_gate)
            {
                if (_childPid == 0 && !_starting)
                {
                    // No child yet (still fetching secrets): let the default action end coffer.
                    return;
                }

                // Keep coffer alive; the child decides how to react and coffer reports its exit code.
                context.Cancel = true;
                LastSignal = number;
                if (_childPid == 0) _pending.Enqueue(number);
                else Native.Signal(_childPid, number);
            }
        }));
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
