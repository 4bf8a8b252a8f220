package org.slapos.tio.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.util.EnumMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.slapos.tio.api.TioException;
import org.slapos.tio.api.TioReporter;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The two TIO schemas (bundle resources) and a locked-down parser that validates while it parses:
 * no DTD (a document with a DOCTYPE is refused, so no entity of any kind), no external schema or
 * DTD access, no XInclude. Schemas are immutable and thread-safe; a parser is made per document.
 */
final class TioSchemas {
  /** Refuses any DOCTYPE: a TIO document never has one, and this rules out entity expansion. */
  private static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";

  private final Map<TioReporter.Schema, Schema> schemas = new EnumMap<>(TioReporter.Schema.class);

  TioSchemas() {
    // The JDK's own implementation, not whatever a thread context class loader would find in OSGi.
    SchemaFactory factory = SchemaFactory.newDefaultInstance();
    try {
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    } catch (SAXException e) {
      throw new IllegalStateException("The JDK's schema factory cannot be locked down: " + e.getMessage(), e);
    }
    schemas.put(TioReporter.Schema.COMPUTER_CONSUMPTION, load(factory, "computer_consumption.xsd"));
    schemas.put(TioReporter.Schema.PARTITION_CONSUMPTION, load(factory, "partition_consumption.xsd"));
  }

  private static Schema load(SchemaFactory factory, String resource) {
    URL url = TioSchemas.class.getResource(resource);
    if (url == null) {
      throw new IllegalStateException("Schema " + resource + " is missing from the bundle");
    }
    try (InputStream in = url.openStream()) {
      return factory.newSchema(new StreamSource(in, url.toExternalForm()));
    } catch (IOException | SAXException e) {
      throw new IllegalStateException("Cannot load schema " + resource + ": " + e.getMessage(), e);
    }
  }

  /** What a document of this kind is called in messages. */
  static String describe(TioReporter.Schema schema) {
    return switch (schema) {
      case COMPUTER_CONSUMPTION -> "computer consumption document (journal)";
      case PARTITION_CONSUMPTION -> "partition consumption document";
    };
  }

  /**
   * Parses {@code xml} and validates it against {@code schema}.
   *
   * @throws TioException "&lt;kind&gt; is invalid at line L, column C: &lt;reason&gt;", on one line
   */
  Document parse(String xml, TioReporter.Schema schema) throws TioException {
    if (xml == null || xml.isBlank()) {
      throw new TioException(describe(schema) + " is empty");
    }
    try {
      DocumentBuilder builder = builder(schemas.get(schema));
      builder.setErrorHandler(FAIL_ON_ERROR);
      // Nothing is ever resolved: with DOCTYPE refused this is not reachable, it is a second lock.
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entity refused: " + systemId);
      });
      return builder.parse(new InputSource(new StringReader(xml)));
    } catch (SAXParseException e) {
      throw new TioException(describe(schema) + " is invalid at line " + e.getLineNumber() + ", column "
          + e.getColumnNumber() + ": " + oneLine(e.getMessage()), e);
    } catch (SAXException e) {
      throw new TioException(describe(schema) + " is invalid: " + oneLine(e.getMessage()), e);
    } catch (IOException e) {
      // A StringReader does not fail; kept for the checked signature.
      throw new TioException(describe(schema) + " cannot be read: " + oneLine(e.getMessage()), e);
    }
  }

  private static DocumentBuilder builder(Schema schema) {
    // A factory per document: factories are not thread-safe, and reports are small and rare.
    DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
    factory.setNamespaceAware(true);
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setSchema(schema);
    try {
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature(DISALLOW_DOCTYPE, true);
      return factory.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("The JDK's XML parser cannot be locked down: " + e.getMessage(), e);
    }
  }

  /** Schema violations are reported as errors, not thrown: stop at the first one. */
  private static final ErrorHandler FAIL_ON_ERROR = new ErrorHandler() {
    @Override
    public void warning(SAXParseException exception) {
      // Warnings (none in practice for these schemas) do not make a document invalid.
    }

    @Override
    public void error(SAXParseException exception) throws SAXException {
      throw exception;
    }

    @Override
    public void fatalError(SAXParseException exception) throws SAXException {
      throw exception;
    }
  };

  static String oneLine(String message) {
    return message == null ? "(no detail)" : message.strip().replaceAll("\\s+", " ");
  }
}
