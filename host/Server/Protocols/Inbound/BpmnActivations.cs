using System.Xml;
using System.Xml.Linq;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>The inbound elements of one deployed process, read from its BPMN as Camunda's runtime reads them: a start
/// event, intermediate catch event, boundary event or receive task whose <c>zeebe:properties</c> name an
/// <c>inbound.type</c>; the message name from its <c>bpmn:message</c>.</summary>
internal static class BpmnActivations
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace Zeebe = "http://camunda.org/schema/zeebe/1.0";
    private static readonly string[] InboundElements = ["startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask"];

    // Modelled processes nest a few dozen elements deep (sub-processes in sub-processes included). Building a tree takes
    // time that grows with the square of its depth: 200,000 nested elements (1.4 MB) held a core for minutes.
    private const int MaxDepth = 1000;

    /// <summary>The activations of <paramref name="xml"/>; ids are <c>&lt;process id&gt;/&lt;element id&gt;</c>. Throws
    /// <see cref="XmlException"/> for a document that is not XML or is nested deeper than a process is.</summary>
    public static IEnumerable<Activation> Parse(string xml)
    {
        CheckDepth(xml);
        var document = XDocument.Parse(xml);
        var messages = document.Descendants(Bpmn + "message")
            .Where(m => m.Attribute("id") is not null)
            .ToDictionary(m => (string)m.Attribute("id")!, m => (string?)m.Attribute("name"));
        foreach (var process in document.Descendants(Bpmn + "process"))
        {
            var processId = (string?)process.Attribute("id") ?? "";
            foreach (var element in process.Descendants().Where(e => e.Name.Namespace == Bpmn && InboundElements.Contains(e.Name.LocalName)))
            {
                var properties = element.Element(Bpmn + "extensionElements")?.Element(Zeebe + "properties")?.Elements(Zeebe + "property")
                    .Where(p => p.Attribute("name") is not null)
                    .GroupBy(p => (string)p.Attribute("name")!)
                    .ToDictionary(g => g.Key, g => (string?)g.Last().Attribute("value") ?? "", StringComparer.Ordinal);
                if (properties is null || !properties.TryGetValue("inbound.type", out var type) || string.IsNullOrWhiteSpace(type))
                    continue;
                var messageRef = (string?)element.Element(Bpmn + "messageEventDefinition")?.Attribute("messageRef") ?? (string?)element.Attribute("messageRef");
                var messageName = messageRef is not null ? messages.GetValueOrDefault(messageRef) : null;
                var plainStart = element.Name.LocalName == "startEvent" && messageRef is null;
                if (!plainStart && messageName is null)
                    continue;
                string? Get(string key) => properties.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
                var id = processId + "/" + ((string?)element.Attribute("id") ?? "");
                var context = Get("inbound.context") ?? id.Replace('/', '-');
                properties["inbound.context"] = context;
                yield return new Activation(id, type, context, properties, plainStart ? null : messageName, plainStart ? processId : null,
                    Get("activationCondition"), Get("correlationKeyExpression"), Get("messageIdExpression"),
                    Get("messageTtl") is { } ttl ? IsoDuration.Read(ttl, out var problem) ?? throw new FormatException($"{id}: messageTtl '{ttl}' {problem}") : Activation.DefaultMessageTtl,
                    Get("resultVariable"), Get("resultExpression"), Get("consumeUnmatchedEvents") == "true");
            }
        }
    }

    // One pass of a reader, which holds no tree: linear in the document's size whatever its depth.
    private static void CheckDepth(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
        while (reader.Read())
            if (reader.Depth > MaxDepth)
                throw new XmlException($"the document is nested deeper than {MaxDepth} elements, far deeper than a process is");
    }
}
