// Runs in the page: the Camunda Modeler's own modeling core (bpmn-js with bpmn-js-element-templates and the Zeebe
// behaviours, as the desktop Modeler wires them for Camunda 8 diagrams), minus the properties panel's view.
import Modeler from 'bpmn-js/lib/Modeler';
import { CloudElementTemplatesCoreModule, setPropertyValue, applyConditions } from 'bpmn-js-element-templates/core';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';

const shape = (id, x, y, w, h) => `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x}" y="${y}" width="${w}" height="${h}" /></bpmndi:BPMNShape>`;
const edge = (id, points) => `<bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}">${points.map(([x, y]) => `<di:waypoint x="${x}" y="${y}" />`).join('')}</bpmndi:BPMNEdge>`;
const flow = (id, from, to) => `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;

// The smallest process the linter accepts around the element the template is applied to (id "task"): start, element,
// end; a start event template is the start itself; a boundary event sits on a manual task of its own.
function diagram(elementType, version) {
  const name = elementType.replace('bpmn:', '');
  const tag = name[0].toLowerCase() + name.slice(1);
  const event = /Event$/.test(name);
  const [w, h] = event ? [36, 36] : [100, 80];
  let process, di;
  if (tag === 'startEvent') {
    process = `<bpmn:startEvent id="task"><bpmn:outgoing>out</bpmn:outgoing></bpmn:startEvent>
      <bpmn:endEvent id="end"><bpmn:incoming>out</bpmn:incoming></bpmn:endEvent>${flow('out', 'task', 'end')}`;
    di = shape('task', 100, 100, 36, 36) + shape('end', 300, 100, 36, 36) + edge('out', [[136, 118], [300, 118]]);
  } else if (tag === 'boundaryEvent') {
    process = `<bpmn:startEvent id="start"><bpmn:outgoing>in</bpmn:outgoing></bpmn:startEvent>
      <bpmn:manualTask id="host"><bpmn:incoming>in</bpmn:incoming><bpmn:outgoing>after</bpmn:outgoing></bpmn:manualTask>
      <bpmn:endEvent id="end"><bpmn:incoming>after</bpmn:incoming></bpmn:endEvent>
      <bpmn:boundaryEvent id="task" attachedToRef="host"><bpmn:outgoing>out</bpmn:outgoing></bpmn:boundaryEvent>
      <bpmn:endEvent id="end2"><bpmn:incoming>out</bpmn:incoming></bpmn:endEvent>
      ${flow('in', 'start', 'host')}${flow('after', 'host', 'end')}${flow('out', 'task', 'end2')}`;
    di = shape('start', 100, 100, 36, 36) + shape('host', 200, 78, 100, 80) + shape('end', 400, 100, 36, 36) + shape('task', 232, 140, 36, 36)
      + shape('end2', 400, 250, 36, 36) + edge('in', [[136, 118], [200, 118]]) + edge('after', [[300, 118], [400, 118]]) + edge('out', [[250, 176], [250, 268], [400, 268]]);
  } else {
    process = `<bpmn:startEvent id="start"><bpmn:outgoing>in</bpmn:outgoing></bpmn:startEvent>
      <bpmn:${tag} id="task"><bpmn:incoming>in</bpmn:incoming><bpmn:outgoing>out</bpmn:outgoing></bpmn:${tag}>
      <bpmn:endEvent id="end"><bpmn:incoming>out</bpmn:incoming></bpmn:endEvent>${flow('in', 'start', 'task')}${flow('out', 'task', 'end')}`;
    di = shape('start', 100, 100, 36, 36) + shape('task', 200, 118 - h / 2, w, h) + shape('end', 400, 100, 36, 36)
      + edge('in', [[136, 118], [200, 118]]) + edge('out', [[200 + w, 118], [400, 118]]);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="definitions" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="${version}.0">
  <bpmn:process id="process" isExecutable="true">${process}</bpmn:process>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="process">${di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

// What a user types into a required field the template leaves empty: the first choice, a number, a text.
const userValue = property => property.type === 'Dropdown' ? property.choices[0].value
  : property.type === 'Number' ? '=1' : property.feel === 'required' ? '="x"' : 'x';

// Applies the template as choosing it in the Modeler does, then types each value into its field, in the template's
// order, only while the field shows (an earlier choice may show it), the way the properties panel sets a field.
// Values are by property id; bound values by the binding's name or key, for older templates whose fields have no id.
// With fillRequired, every required field that shows and got no value is then filled as a user would. With updateTo,
// a newer version of the template is then applied over it, as the Modeler's "Update template" does.
async function applyOne({ template, version, values, bound, updateTo, fillRequired }) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const modeler = new Modeler({ container, additionalModules: [CloudElementTemplatesCoreModule, ZeebeBehaviorsModule], moddleExtensions: { zeebe: zeebeModdle } });
  try {
    const elementType = template.elementType?.value ?? template.appliesTo[0];
    await modeler.importXML(diagram(elementType, version));
    const elementTemplates = modeler.get('elementTemplates');
    elementTemplates.set([template]);
    let element = modeler.get('elementRegistry').get('task');
    element = elementTemplates.applyTemplate(element, template) || modeler.get('elementRegistry').get('task');
    const skipped = [];
    const binding = property => property.binding.name ?? property.binding.key;
    const unbound = new Set(Object.keys(bound ?? {}));
    const typed = new Set();
    for (const property of template.properties) {
      const byId = property.id !== undefined && property.id in values;
      const value = byId ? values[property.id] : binding(property) !== undefined && binding(property) in (bound ?? {}) ? bound[binding(property)] : undefined;
      if (value === undefined)
        continue;
      // Shown: the Modeler's own conditions keep it (the same object, so fields without an id are found too). A value
      // by binding goes into every field of that binding that shows; one by id must find its field shown.
      if (!applyConditions(element, template).properties.includes(property)) {
        if (byId)
          skipped.push(property.id);
        continue;
      }
      setPropertyValue(modeler.get('bpmnFactory'), modeler.get('commandStack'), element, property, value);
      typed.add(property);
      if (!byId)
        unbound.delete(binding(property));
    }
    skipped.push(...unbound);
    if (fillRequired) {
      for (const property of template.properties) {
        if (typed.has(property) || property.value !== undefined || property.constraints?.notEmpty !== true)
          continue;
        if (applyConditions(element, template).properties.includes(property))
          setPropertyValue(modeler.get('bpmnFactory'), modeler.get('commandStack'), element, property, userValue(property));
      }
    }
    if (updateTo) {
      elementTemplates.set([template, updateTo]);
      element = elementTemplates.applyTemplate(element, updateTo) || modeler.get('elementRegistry').get('task');
    }
    const { xml } = await modeler.saveXML({ format: true });
    return { xml, skipped };
  } catch (e) {
    return { error: String((e && e.stack) || e) };
  } finally {
    modeler.destroy();
    container.remove();
  }
}

window.applyTemplate = applyOne;
