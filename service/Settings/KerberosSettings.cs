namespace WaiverDb.Service.Settings;

/// <summary>The Kerberos method's settings.</summary>
public sealed record KerberosSettings
{
    /// <summary>
    /// The keytab holding the service principal (<c>HTTP/host@REALM</c>), as GSSAPI names it
    /// (<c>FILE:/path</c> or a path). Null: the environment's <c>KRB5_KTNAME</c> or GSSAPI's
    /// default (<c>/etc/krb5.keytab</c>).
    /// </summary>
    public string? Keytab { get; init; }

    /// <summary>Reads <c>KRB5_KTNAME</c>; a file keytab that is set must exist and be readable.</summary>
    internal static KerberosSettings Read(SettingsSource source)
    {
        const string key = "KRB5_KTNAME";
        var keytab = source.String(key);
        if (string.IsNullOrWhiteSpace(keytab))
        {
            return new KerberosSettings();
        }

        // Other keytab types (MEMORY:, DIR:, ...) are GSSAPI's business.
        var path = keytab.StartsWith("FILE:", StringComparison.Ordinal) ? keytab["FILE:".Length..]
            : keytab.StartsWith("WRFILE:", StringComparison.Ordinal) ? keytab["WRFILE:".Length..]
            : keytab.Contains(':', StringComparison.Ordinal) ? null
            : keytab;
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                source.Problem(key, $"the keytab '{path}' does not exist");
            }
            else
            {
                try
                {
                    using var _ = File.OpenRead(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    source.Problem(key, $"the keytab '{path}' cannot be read: {e.Message}");
                }
            }
        }

        return new KerberosSettings { Keytab = keytab };
    }
}
