#include "views/application_form.h"

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace vitrine::desktop {

namespace {

const QString kErrorStyle = QStringLiteral("border: 1px solid #c62828;");
const QColor kErrorCellColor(0xff, 0xcd, 0xd2);
const QString kWebsitesField = QStringLiteral("websites");

enum WebsiteColumn { FqdnColumn, PathPrefixColumn, StripPrefixColumn, WebsiteColumnCount };

// Which build fields a build type reads (the server refuses the others): mirrors the server's rules.
struct BuildFields {
    bool buildCommand = false;
    bool startCommand = false;
    bool artifactDir = false;
    bool dockerfile = false;
    bool contextDir = false;
    bool port = false;
};

BuildFields buildFieldsOf(const QString &type)
{
    if (type == u"static")
        return {.artifactDir = true};
    if (type == u"static-cmd")
        return {.buildCommand = true, .artifactDir = true, .contextDir = true};
    if (type == u"static-dockerfile")
        return {.artifactDir = true, .dockerfile = true, .contextDir = true};
    if (type == u"runtime-cmd")
        return {.buildCommand = true, .startCommand = true, .contextDir = true, .port = true};
    if (type == u"runtime-dockerfile")
        return {.dockerfile = true, .contextDir = true, .port = true};
    if (type == u"auto")
        return {.contextDir = true, .port = true};
    return {};
}

QString buildTypeLabel(const QString &type)
{
    if (type == u"static")
        return ApplicationForm::tr("Static files, as they are (static)");
    if (type == u"static-cmd")
        return ApplicationForm::tr("Static site built by a command (static-cmd)");
    if (type == u"static-dockerfile")
        return ApplicationForm::tr("Static site built by a Dockerfile (static-dockerfile)");
    if (type == u"runtime-cmd")
        return ApplicationForm::tr("Running app started by a command (runtime-cmd)");
    if (type == u"runtime-dockerfile")
        return ApplicationForm::tr("Running app from a Dockerfile (runtime-dockerfile)");
    if (type == u"auto")
        return ApplicationForm::tr("Detect the stack (auto)");
    return type;
}

// The server writes "field: problem"; next to the input the field's name says nothing new.
QString problemOf(const QString &field, const QString &message)
{
    const QString prefix = field + QStringLiteral(": ");
    return message.startsWith(prefix) ? message.mid(prefix.size()) : message;
}

QString textOf(const QLineEdit *edit, bool used)
{
    return used ? edit->text().trimmed() : QString();
}

} // namespace

ApplicationForm::ApplicationForm(Parts parts, QWidget *parent)
    : QWidget(parent)
    , m_parts(parts)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    if (parts.testFlag(Part::Identity)) {
        auto *form = new QFormLayout;
        layout->addLayout(form);
        m_name = addLineEdit(form, tr("&Name:"), QStringLiteral("name"), QStringLiteral("nameField"));
        m_name->setPlaceholderText(tr("lowercase letters, digits and '-', e.g. club-blog"));
        m_ref = addLineEdit(form, tr("&Branch or tag:"), QStringLiteral("ref"), QStringLiteral("refField"));
        m_ref->setPlaceholderText(QStringLiteral("main"));
    }

    if (parts.testFlag(Part::Build)) {
        auto *group = new QGroupBox(tr("Build"));
        auto *form = new QFormLayout(group);
        layout->addWidget(group);
        m_buildType = new QComboBox;
        m_buildType->setObjectName(QStringLiteral("buildTypeCombo"));
        for (const QString &type : buildTypeNames())
            m_buildType->addItem(buildTypeLabel(type), type);
        addRow(form, tr("Build &type:"), QStringLiteral("build.type"), m_buildType);
        // The server names the deploy type when it does not fit the build type; the member picks the latter.
        m_fields.insert(QStringLiteral("deploy_type"), m_fields.value(QStringLiteral("build.type")));
        connect(m_buildType, &QComboBox::currentIndexChanged, this, [this] {
            updateVisibleFields();
            emit edited();
        });
        m_buildCommand = addLineEdit(form, tr("Build &command:"), QStringLiteral("build.build_command"),
                                     QStringLiteral("buildCommandField"));
        m_buildCommand->setPlaceholderText(QStringLiteral("npm ci && npm run build"));
        m_startCommand = addLineEdit(form, tr("&Start command:"), QStringLiteral("build.start_command"),
                                     QStringLiteral("startCommandField"));
        m_startCommand->setPlaceholderText(QStringLiteral("node server.js"));
        m_artifactDir = addLineEdit(form, tr("&Artifact directory:"), QStringLiteral("build.artifact_dir"),
                                    QStringLiteral("artifactDirField"));
        m_artifactDir->setPlaceholderText(tr("e.g. dist; the repository root when empty"));
        m_dockerfile = addLineEdit(form, tr("&Dockerfile:"), QStringLiteral("build.dockerfile"),
                                   QStringLiteral("dockerfileField"));
        m_dockerfile->setPlaceholderText(QStringLiteral("Dockerfile"));
        m_contextDir = addLineEdit(form, tr("C&ontext directory:"), QStringLiteral("build.context_dir"),
                                   QStringLiteral("contextDirField"));
        m_contextDir->setPlaceholderText(tr("the repository root"));
        m_port = addSpinBox(form, tr("&Port:"), QStringLiteral("build.port"), QStringLiteral("portField"),
                            65535, tr("8080 (default)"));
    }

    if (parts.testFlag(Part::Websites))
        layout->addWidget(createWebsites());

    if (parts.testFlag(Part::Runtime)) {
        auto *group = new QGroupBox(tr("Runtime"));
        auto *form = new QFormLayout(group);
        layout->addWidget(group);
        m_spaFallback = addCheckBox(form, tr("Serve index.html for paths with no file (single-page app)"),
                                    QStringLiteral("spa_fallback"), QStringLiteral("spaFallbackCheck"));
        m_healthCheckPath = addLineEdit(form, tr("&Health check path:"), QStringLiteral("health_check_path"),
                                        QStringLiteral("healthCheckPathField"));
        m_healthCheckPath->setPlaceholderText(tr("e.g. /healthz; an open port is enough when empty"));
        m_memoryLimit = addSpinBox(form, tr("&Memory limit (MiB):"), QStringLiteral("memory_limit_mb"),
                                   QStringLiteral("memoryLimitField"), 1024 * 1024, tr("Server default"));
        m_cpuLimit = addSpinBox(form, tr("&CPU (millicores):"), QStringLiteral("cpu_millicores"),
                                QStringLiteral("cpuLimitField"), 1000 * 1000, tr("Server default"));
        m_cpuLimit->setToolTip(tr("1000 millicores are one core"));
        m_autoSleep =
            addSpinBox(form, tr("&Sleep after idle (seconds):"), QStringLiteral("auto_sleep_seconds"),
                       QStringLiteral("autoSleepField"), 7 * 24 * 3600, tr("Never"));
    }
    layout->addStretch();

    ApplicationConfig defaults;
    defaults.buildType = QStringLiteral("static");
    setConfig(defaults);
}

void ApplicationForm::setConfig(const ApplicationConfig &config)
{
    m_config = config;
    // Filling the inputs is not the user's edit.
    const QSignalBlocker blocker(this);
    if (m_name) {
        m_name->setText(config.name);
        m_ref->setText(config.ref);
    }
    if (m_buildType) {
        m_buildType->setCurrentIndex(std::max(0, m_buildType->findData(config.buildType)));
        m_buildCommand->setText(config.buildCommand);
        m_startCommand->setText(config.startCommand);
        m_artifactDir->setText(config.artifactDir);
        m_dockerfile->setText(config.dockerfile);
        m_contextDir->setText(config.contextDir);
        m_port->setValue(config.port);
    }
    if (m_websites) {
        m_websites->setRowCount(0);
        for (const WebsiteConfig &website : config.websites)
            addWebsiteRow(website);
    }
    if (m_spaFallback) {
        m_spaFallback->setChecked(config.spaFallback);
        m_healthCheckPath->setText(config.healthCheckPath);
        m_memoryLimit->setValue(config.memoryLimitMb);
        m_cpuLimit->setValue(config.cpuMillicores);
        m_autoSleep->setValue(config.autoSleepSeconds);
    }
    updateVisibleFields();
    clearFieldErrors();
}

ApplicationConfig ApplicationForm::config() const
{
    ApplicationConfig config = m_config;
    writeTo(config);
    return config;
}

void ApplicationForm::writeTo(ApplicationConfig &config) const
{
    if (m_name) {
        config.name = m_name->text().trimmed();
        config.ref = m_ref->text().trimmed();
    }
    if (m_buildType) {
        config.buildType = buildType();
        const BuildFields used = buildFieldsOf(config.buildType);
        config.buildCommand = textOf(m_buildCommand, used.buildCommand);
        config.startCommand = textOf(m_startCommand, used.startCommand);
        config.artifactDir = textOf(m_artifactDir, used.artifactDir);
        config.dockerfile = textOf(m_dockerfile, used.dockerfile);
        config.contextDir = textOf(m_contextDir, used.contextDir);
        config.port = used.port ? m_port->value() : 0;
    }
    if (m_websites)
        config.websites = websites();
    if (m_spaFallback) {
        const bool runtime = isRuntimeBuildType(buildType());
        config.spaFallback = !runtime && m_spaFallback->isChecked();
        config.healthCheckPath = textOf(m_healthCheckPath, runtime);
        config.memoryLimitMb = runtime ? m_memoryLimit->value() : 0;
        config.cpuMillicores = runtime ? m_cpuLimit->value() : 0;
        config.autoSleepSeconds = runtime ? m_autoSleep->value() : 0;
    }
}

void ApplicationForm::setNameEditable(bool editable)
{
    if (m_name)
        m_name->setReadOnly(!editable);
}

bool ApplicationForm::showFieldError(const QString &field, const QString &message)
{
    if (const auto it = m_fields.constFind(field); it != m_fields.cend()) {
        markInvalid(it->input, true);
        it->error->setText(problemOf(field, message));
        it->error->show();
        return true;
    }
    if (!m_websites || !field.startsWith(kWebsitesField))
        return false;
    if (field == kWebsitesField) {
        showWebsiteError(-1, {}, problemOf(field, message));
        return true;
    }
    static const QRegularExpression websiteField(QStringLiteral(R"(^websites\[(\d+)\](?:\.([a-z_]+))?$)"));
    const QRegularExpressionMatch match = websiteField.match(field);
    if (!match.hasMatch())
        return false;
    showWebsiteError(match.captured(1).toInt(), match.captured(2), problemOf(field, message));
    return true;
}

void ApplicationForm::clearFieldErrors()
{
    for (const FieldInput &field : std::as_const(m_fields)) {
        markInvalid(field.input, false);
        field.error->clear();
        field.error->hide();
    }
    if (m_websites) {
        markInvalid(m_websites, false);
        for (int row = 0; row < m_websites->rowCount(); ++row) {
            for (int column = 0; column < WebsiteColumnCount; ++column) {
                if (QTableWidgetItem *item = m_websites->item(row, column)) {
                    item->setData(Qt::BackgroundRole, {});
                    item->setToolTip({});
                }
            }
        }
        m_websitesError->clear();
        m_websitesError->hide();
    }
}

QLineEdit *ApplicationForm::addLineEdit(QFormLayout *layout, const QString &label, const QString &field,
                                        const QString &objectName)
{
    auto *edit = new QLineEdit;
    edit->setObjectName(objectName);
    addRow(layout, label, field, edit);
    connect(edit, &QLineEdit::textEdited, this, &ApplicationForm::edited);
    return edit;
}

QSpinBox *ApplicationForm::addSpinBox(QFormLayout *layout, const QString &label, const QString &field,
                                      const QString &objectName, int maximum, const QString &zeroText)
{
    auto *spin = new QSpinBox;
    spin->setObjectName(objectName);
    spin->setRange(0, maximum);
    spin->setSpecialValueText(zeroText);
    addRow(layout, label, field, spin);
    connect(spin, &QSpinBox::valueChanged, this, &ApplicationForm::edited);
    return spin;
}

QCheckBox *ApplicationForm::addCheckBox(QFormLayout *layout, const QString &text, const QString &field,
                                        const QString &objectName)
{
    auto *check = new QCheckBox(text);
    check->setObjectName(objectName);
    addRow(layout, {}, field, check);
    connect(check, &QCheckBox::toggled, this, &ApplicationForm::edited);
    return check;
}

void ApplicationForm::addRow(QFormLayout *layout, const QString &label, const QString &field, QWidget *input)
{
    auto *row = new QWidget;
    auto *rowLayout = new QVBoxLayout(row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    rowLayout->setSpacing(2);
    rowLayout->addWidget(input);
    auto *error = new QLabel;
    error->setObjectName(input->objectName() + QStringLiteral("Error"));
    error->setWordWrap(true);
    error->setStyleSheet(QStringLiteral("color: #c62828;"));
    error->hide();
    rowLayout->addWidget(error);
    if (label.isEmpty()) {
        layout->addRow(row);
    } else {
        layout->addRow(label, row);
        if (auto *buddy = qobject_cast<QLabel *>(layout->labelForField(row)))
            buddy->setBuddy(input);
    }
    m_fields.insert(field, {input, error, row, layout});
}

QString ApplicationForm::buildType() const
{
    return m_buildType ? m_buildType->currentData().toString() : m_config.buildType;
}

QWidget *ApplicationForm::createWebsites()
{
    auto *group = new QGroupBox(tr("Websites"));
    auto *layout = new QVBoxLayout(group);
    auto *hint =
        new QLabel(tr("Where the application is served. With none, it is served at NAME.localhost."));
    hint->setWordWrap(true);
    layout->addWidget(hint);

    m_websites = new QTableWidget(0, WebsiteColumnCount);
    m_websites->setObjectName(QStringLiteral("websitesTable"));
    m_websites->setHorizontalHeaderLabels({tr("Address"), tr("Path prefix"), tr("Strip prefix")});
    m_websites->horizontalHeader()->setSectionResizeMode(FqdnColumn, QHeaderView::Stretch);
    m_websites->horizontalHeader()->setSectionResizeMode(PathPrefixColumn, QHeaderView::ResizeToContents);
    m_websites->horizontalHeader()->setSectionResizeMode(StripPrefixColumn, QHeaderView::ResizeToContents);
    m_websites->verticalHeader()->hide();
    m_websites->setSelectionBehavior(QAbstractItemView::SelectRows);
    connect(m_websites, &QTableWidget::itemChanged, this, &ApplicationForm::edited);
    layout->addWidget(m_websites);

    m_websitesError = new QLabel;
    m_websitesError->setObjectName(QStringLiteral("websitesTableError"));
    m_websitesError->setWordWrap(true);
    m_websitesError->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_websitesError->hide();
    layout->addWidget(m_websitesError);

    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("&Add website"));
    add->setObjectName(QStringLiteral("addWebsiteButton"));
    auto *remove = new QPushButton(tr("&Remove website"));
    remove->setObjectName(QStringLiteral("removeWebsiteButton"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    layout->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [this] {
        addWebsiteRow({});
        m_websites->setCurrentCell(m_websites->rowCount() - 1, FqdnColumn);
        m_websites->editItem(m_websites->currentItem());
        emit edited();
    });
    connect(remove, &QPushButton::clicked, this, &ApplicationForm::removeSelectedWebsites);
    return group;
}

void ApplicationForm::addWebsiteRow(const WebsiteConfig &website)
{
    const QSignalBlocker blocker(m_websites);
    const int row = m_websites->rowCount();
    m_websites->insertRow(row);
    m_websites->setItem(row, FqdnColumn, new QTableWidgetItem(website.fqdn));
    m_websites->setItem(row, PathPrefixColumn, new QTableWidgetItem(website.pathPrefix));
    auto *strip = new QTableWidgetItem;
    strip->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
    strip->setCheckState(website.stripPrefix ? Qt::Checked : Qt::Unchecked);
    m_websites->setItem(row, StripPrefixColumn, strip);
}

void ApplicationForm::removeSelectedWebsites()
{
    QList<int> rows;
    for (const QModelIndex &index : m_websites->selectionModel()->selectedRows())
        rows.append(index.row());
    if (rows.isEmpty() && m_websites->currentRow() >= 0)
        rows.append(m_websites->currentRow());
    if (rows.isEmpty())
        return;
    // From the bottom, so the rows still to remove keep their numbers.
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : rows)
        m_websites->removeRow(row);
    // The server's row numbers no longer match the table.
    clearFieldErrors();
    emit edited();
}

QList<WebsiteConfig> ApplicationForm::websites() const
{
    QList<WebsiteConfig> list;
    for (int row = 0; row < m_websites->rowCount(); ++row) {
        WebsiteConfig website;
        website.fqdn = m_websites->item(row, FqdnColumn)->text().trimmed();
        website.pathPrefix = m_websites->item(row, PathPrefixColumn)->text().trimmed();
        website.stripPrefix = m_websites->item(row, StripPrefixColumn)->checkState() == Qt::Checked;
        // A row left blank is one the user added and did not use.
        if (website.fqdn.isEmpty() && website.pathPrefix.isEmpty() && !website.stripPrefix)
            continue;
        list.append(website);
    }
    return list;
}

void ApplicationForm::showWebsiteError(int row, const QString &column, const QString &message)
{
    QList<int> columns;
    if (column == u"fqdn")
        columns = {FqdnColumn};
    else if (column == u"path_prefix")
        columns = {PathPrefixColumn};
    else if (column == u"strip_prefix")
        columns = {StripPrefixColumn};
    else
        columns = {FqdnColumn, PathPrefixColumn, StripPrefixColumn};

    if (row >= 0 && row < m_websites->rowCount()) {
        const QSignalBlocker blocker(m_websites);
        for (int index : std::as_const(columns)) {
            QTableWidgetItem *item = m_websites->item(row, index);
            item->setBackground(kErrorCellColor);
            item->setToolTip(message);
        }
        m_websitesError->setText(tr("Website %1: %2").arg(row + 1).arg(message));
    } else {
        markInvalid(m_websites, true);
        m_websitesError->setText(message);
    }
    m_websitesError->show();
}

void ApplicationForm::updateVisibleFields()
{
    const QString type = buildType();
    if (m_buildType) {
        const BuildFields used = buildFieldsOf(type);
        setFieldVisible(QStringLiteral("build.build_command"), used.buildCommand);
        setFieldVisible(QStringLiteral("build.start_command"), used.startCommand);
        setFieldVisible(QStringLiteral("build.artifact_dir"), used.artifactDir);
        setFieldVisible(QStringLiteral("build.dockerfile"), used.dockerfile);
        setFieldVisible(QStringLiteral("build.context_dir"), used.contextDir);
        setFieldVisible(QStringLiteral("build.port"), used.port);
        // A command build may leave its output anywhere; a plain static site is usually served as it is.
        m_artifactDir->setPlaceholderText(type == u"static" ? tr("the repository root")
                                                            : tr("e.g. dist (required)"));
        m_buildCommand->setPlaceholderText(
            type == u"runtime-cmd" ? tr("optional, e.g. npm ci") : QStringLiteral("npm ci && npm run build"));
    }
    if (m_spaFallback) {
        const bool runtime = isRuntimeBuildType(type);
        setFieldVisible(QStringLiteral("spa_fallback"), !runtime);
        setFieldVisible(QStringLiteral("health_check_path"), runtime);
        setFieldVisible(QStringLiteral("memory_limit_mb"), runtime);
        setFieldVisible(QStringLiteral("cpu_millicores"), runtime);
        setFieldVisible(QStringLiteral("auto_sleep_seconds"), runtime);
    }
}

void ApplicationForm::setFieldVisible(const QString &field, bool visible)
{
    const FieldInput input = m_fields.value(field);
    input.layout->setRowVisible(input.row, visible);
}

void ApplicationForm::markInvalid(QWidget *input, bool invalid)
{
    input->setProperty("fieldError", invalid);
    input->setStyleSheet(invalid ? kErrorStyle : QString());
}

} // namespace vitrine::desktop
