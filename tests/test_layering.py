import subprocess
import sys


def test_explorer_does_not_import_streamlit():
    # The engine runs in a plain shell: no module of it may pull in streamlit.
    modules = (
        "explorer.config, explorer.tasks, explorer.datasets, explorer.models, "
        "explorer.training, explorer.diagnostics, explorer.figures, explorer.cli, "
        "explorer.mistakes, explorer.findings, explorer.lab, explorer.presets, "
        "explorer.inside, explorer.network_figures, explorer.export, "
        "explorer.export_data, explorer.saving, explorer.lessons, explorer.classroom, "
        "explorer.links, explorer.plot_style, explorer.network_diagram, "
        "explorer.tables, explorer.csv_format, explorer.export_csv"
    )
    code = f"import sys, {modules}; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
