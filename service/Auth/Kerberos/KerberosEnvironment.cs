using System.Runtime.InteropServices;
using System.Text;

namespace WaiverDb.Service.Auth.Kerberos;

/// <summary>
/// Puts a keytab from the settings file where GSSAPI reads it: the process's native
/// environment (<c>KRB5_KTNAME</c> for the Kerberos method, <c>KRB5_CLIENT_KTNAME</c> for
/// a GSSAPI bind to LDAP). .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// changes only a managed copy on Linux, which libgssapi_krb5 never sees.
/// </summary>
internal static class KerberosEnvironment
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, string> Exported = new(StringComparer.Ordinal);

    /// <summary>The service's keytab (<c>KRB5_KTNAME</c>), which accepts Kerberos tickets.</summary>
    public static void ExportKeytab(string? keytab) => Export("KRB5_KTNAME", keytab);

    /// <summary>The client keytab (<c>KRB5_CLIENT_KTNAME</c>) MIT krb5 takes initial credentials from.</summary>
    public static void ExportClientKeytab(string? keytab) => Export("KRB5_CLIENT_KTNAME", keytab);

    private static void Export(string variable, string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (Gate)
        {
            if (Exported.TryGetValue(variable, out var exported) && exported == value)
            {
                return;
            }

            // Already in the environment the process started with: nothing to do.
            if (Environment.GetEnvironmentVariable(variable) != value)
            {
                SetNative(variable, value);
                Environment.SetEnvironmentVariable(variable, value);
            }

            Exported[variable] = value;
        }
    }

    private static void SetNative(string name, string value)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (setenv(CString(name), CString(value), 1) != 0)
        {
            throw new InvalidOperationException($"could not set {name} in the process environment (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    private static byte[] CString(string text) => Encoding.UTF8.GetBytes(text + '\0');

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(byte[] name, byte[] value, int overwrite);
}
