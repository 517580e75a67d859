namespace WaiverDb.Service.Settings;

/// <summary>Invalid settings: the service refuses to start and says which keys are wrong.</summary>
public sealed class SettingsException(IReadOnlyList<string> problems)
    : Exception("Invalid settings: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
