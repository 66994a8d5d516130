// Each import registers one command (see ../registry.ts). Keep one line per command.
import './extract';
import './train';
import './mine';
import './itemsets';
import './evaluate';
import './groundtruth';
