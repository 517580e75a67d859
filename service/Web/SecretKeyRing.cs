using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace WaiverDb.Service.Web;

/// <summary>
/// A data-protection key ring of one key derived from <c>SECRET_KEY</c> (HKDF-SHA256), so
/// every replica given the same secret encrypts and reads session cookies alike with no
/// shared storage, and a new secret signs everybody out. Nothing is ever stored.
/// </summary>
internal sealed class SecretKeyRing : IXmlRepository
{
    private readonly XElement _key;

    public SecretKeyRing(string secret)
    {
        var input = Encoding.UTF8.GetBytes(secret);
        var salt = Encoding.UTF8.GetBytes("waiverdb-session");
        var master = HKDF.DeriveKey(HashAlgorithmName.SHA256, input, 64, salt, Encoding.UTF8.GetBytes("master key"));
        var id = new Guid(HKDF.DeriveKey(HashAlgorithmName.SHA256, input, 16, salt, Encoding.UTF8.GetBytes("key id")));
        var descriptor = new AuthenticatedEncryptorDescriptor(new AuthenticatedEncryptorConfiguration(), new Secret(master)).ExportToXml();

        // The key's dates are fixed so that replicas derive the very same key at any time.
        _key = new XElement("key",
            new XAttribute("id", id),
            new XAttribute("version", 1),
            new XElement("creationDate", "2000-01-01T00:00:00Z"),
            new XElement("activationDate", "2000-01-01T00:00:00Z"),
            new XElement("expirationDate", "9999-01-01T00:00:00Z"),
            new XElement("descriptor",
                new XAttribute("deserializerType", descriptor.DeserializerType.AssemblyQualifiedName!),
                descriptor.SerializedDescriptorElement));
    }

    public IReadOnlyCollection<XElement> GetAllElements() => [new XElement(_key)];

    public void StoreElement(XElement element, string friendlyName)
    {
        // Key generation is turned off with this ring: its one key comes from the secret.
    }
}
